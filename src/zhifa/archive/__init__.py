"""归档与保管 (记录办法 第十条、第十一条): the retention schedule the bureau approves,
filing closed cases as archive files, 四性检测, transfer packages, use of archived
files, holds and approved disposal."""
