// clique-genesis: e2e only, inside the GoQuorum stand-in image. Upstream go-ethereum has neither
// IBFT nor QBFT, and its ethash would need a gigabyte DAG per node before sealing a block; so the
// stand-in runs a BFT genesis as the nearest chain upstream seals by itself: Clique, one block per
// the genesis's block period, sealed in turn by the accounts the genesis funds (each node's
// unlocked account 0). Every node derives the same genesis from the same file, so they peer.
//
// Usage: clique-genesis GENESIS_JSON > CLIQUE_GENESIS_JSON
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
)

const epoch = 30000

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: clique-genesis GENESIS_JSON")
		os.Exit(2)
	}
	raw, err := os.ReadFile(os.Args[1])
	check(err)
	var genesis map[string]any
	check(json.Unmarshal(raw, &genesis))
	config, _ := genesis["config"].(map[string]any)
	if config == nil {
		check(fmt.Errorf("%s has no config", os.Args[1]))
	}
	period := blockPeriod(config)
	for _, bft := range []string{"qbft", "istanbul", "isQuorum"} {
		delete(config, bft)
	}
	config["clique"] = map[string]any{"period": period, "epoch": epoch}
	signers := fundedAccounts(genesis)
	genesis["extraData"] = "0x" + strings.Repeat("00", 32) + strings.Join(signers, "") + strings.Repeat("00", 65)
	genesis["difficulty"] = "0x1"
	genesis["mixHash"] = "0x" + strings.Repeat("00", 32)
	out, err := json.MarshalIndent(genesis, "", "  ")
	check(err)
	fmt.Println(string(out))
	fmt.Fprintf(os.Stderr, "clique-genesis (stand-in): QBFT/IBFT genesis run as Clique, period %d s, %d signers\n", period, len(signers))
}

// The QBFT genesis's block period; IBFT keeps it on geth's command line, so one second.
func blockPeriod(config map[string]any) int {
	if qbft, ok := config["qbft"].(map[string]any); ok {
		if seconds, ok := qbft["blockPeriodSeconds"].(float64); ok && seconds >= 1 {
			return int(seconds)
		}
	}
	return 1
}

// The funded accounts, lower-case hex without 0x, sorted as Clique's extraData lists its signers.
func fundedAccounts(genesis map[string]any) []string {
	alloc, _ := genesis["alloc"].(map[string]any)
	signers := make([]string, 0, len(alloc))
	for address := range alloc {
		signers = append(signers, strings.TrimPrefix(strings.ToLower(address), "0x"))
	}
	sort.Strings(signers)
	if len(signers) == 0 {
		check(fmt.Errorf("the genesis funds no account to seal with"))
	}
	return signers
}

func check(err error) {
	if err != nil {
		fmt.Fprintf(os.Stderr, "clique-genesis: %v\n", err)
		os.Exit(1)
	}
}
