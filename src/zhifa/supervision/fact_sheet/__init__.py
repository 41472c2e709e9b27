"""The 舆情应对 fact sheet (记录办法 第十二条): for one action, the public facts — what was
published, where, when it was due and done, versions, corrections, withdrawals — with the
decision's digest and each fact's ledger entry and inclusion proof against a signed
checkpoint, so a public question is answered in minutes, on one page or one PDF.

Only public facts and proofs: the items each publication itself shows are not repeated
beyond its 文号 and date; nothing the public log does not carry is added."""
