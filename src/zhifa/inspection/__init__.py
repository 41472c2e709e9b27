"""双随机、一公开: inspection plans, publicly verifiable draws, results."""
