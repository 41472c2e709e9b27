"""Archives: retention schedule, filing, 四性检测, transfer packages, holds, disposal."""
