"""归档: a closed case becomes an archive file — every document, media record, the
service records and the step history in the order of its 卷内目录, with its 档号,
DA/T 46-style metadata per item and its retention from the approved schedule."""
