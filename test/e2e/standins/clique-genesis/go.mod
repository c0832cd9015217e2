module kaleido-quorum/e2e/standins/clique-genesis

go 1.26
