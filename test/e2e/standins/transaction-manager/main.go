// Stand-in for constellation-node and Tessera in the e2e's real pods: reads the config the program
// seeded (constellation's tm.conf, or Tessera's JSON with -configfile), answers GET /upcheck with
// "I'm up!" on the peer port and on the IPC socket, as geth's start waits for; as Tessera, it also
// serves Prometheus text at /metrics on the peer port (one gauge of its own: the dashboard reads
// only whether the scrape succeeds). It stores and forwards no private transaction: the README
// says what that leaves unproven.
package main

import (
	"encoding/json"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"regexp"
	"strings"
)

type endpoints struct {
	port   string
	socket string
}

func fromTmConf(text string) (endpoints, error) {
	port := regexp.MustCompile(`(?m)^port\s*=\s*(\d+)`).FindStringSubmatch(text)
	socket := regexp.MustCompile(`(?m)^socket\s*=\s*"([^"]+)"`).FindStringSubmatch(text)
	if port == nil || socket == nil {
		return endpoints{}, fmt.Errorf("tm.conf needs port and socket")
	}
	return endpoints{port: port[1], socket: socket[1]}, nil
}

func fromTessera(text string) (endpoints, error) {
	var config struct {
		ServerConfigs []struct {
			App           string `json:"app"`
			ServerAddress string `json:"serverAddress"`
		} `json:"serverConfigs"`
	}
	if err := json.Unmarshal([]byte(text), &config); err != nil {
		return endpoints{}, err
	}
	var found endpoints
	for _, server := range config.ServerConfigs {
		switch server.App {
		case "P2P":
			found.port = server.ServerAddress[strings.LastIndex(server.ServerAddress, ":")+1:]
		case "Q2T":
			found.socket = strings.TrimPrefix(server.ServerAddress, "unix:")
		}
	}
	if found.port == "" || found.socket == "" {
		return endpoints{}, fmt.Errorf("tessera config needs P2P and Q2T servers")
	}
	return found, nil
}

func main() {
	args := os.Args[1:]
	if len(args) == 2 && args[0] == "-configfile" {
		args = args[1:]
	}
	if len(args) != 1 {
		log.Fatal("usage: transaction-manager <tm.conf> | -configfile <tessera.json>")
	}
	text, err := os.ReadFile(args[0])
	if err != nil {
		log.Fatal(err)
	}
	var at endpoints
	tessera := strings.HasSuffix(args[0], ".json")
	if tessera {
		at, err = fromTessera(string(text))
	} else {
		at, err = fromTmConf(string(text))
	}
	if err != nil {
		log.Fatalf("%s: %v", args[0], err)
	}
	http.HandleFunc("/upcheck", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "I'm up!") })
	if tessera {
		http.HandleFunc("/metrics", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/plain; version=0.0.4")
			fmt.Fprint(w, "# HELP standin_transaction_manager_up The e2e stand-in serving.\n# TYPE standin_transaction_manager_up gauge\nstandin_transaction_manager_up 1\n")
		})
	}
	// As Tessera's Jetty connector does (and Go's listener too): a left-over socket file is not
	// removed, so a manager killed by SIGKILL cannot start again unless its container removes it.
	ipc, err := net.Listen("unix", at.socket)
	if err != nil {
		log.Fatal(err)
	}
	go func() { log.Fatal(http.Serve(ipc, nil)) }()
	log.Printf("stand-in transaction manager: /upcheck on :%s and %s (no private transactions)", at.port, at.socket)
	log.Fatal(http.ListenAndServe(":"+at.port, nil))
}
