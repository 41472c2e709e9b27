"""Holds (保全): a 复议, 诉讼, complaint or 纪检 request that keeps records from disposal
and keeps their content locked in the blob store; an open case holds by itself."""
