"""档案: retention schedule, filing, 四性检测 (DA/T 70), packages, holds, disposal."""
