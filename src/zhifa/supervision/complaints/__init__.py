"""投诉举报 (记录办法 第十三条): complaints about an enforcement action from the portal or
entered by the legal section from a letter, call or visit; the supervision case with its
receipt, deadline, linked records, findings and the answer a leader signs."""
