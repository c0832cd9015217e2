module kaleido-quorum/e2e/standins/transaction-manager

go 1.26
