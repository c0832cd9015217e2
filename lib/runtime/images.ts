// The quorum image each runtime runs when the stack names none (Pulumi.yaml's quorumImage is empty).
import { RuntimeKind } from "../model/network";

export const DEFAULT_QUORUM_IMAGE: Record<RuntimeKind, string> = {
    // The seed's image, built from quorum-tools.
    kaleido: "jpmorganchase/quorum",
    // The last GoQuorum release (go-ethereum 1.10.3 inside).
    goquorum: "quorumengineering/quorum:24.4.1",
};

/**
 * The stock image the project's racecourse app (apps/racecourse) runs on: Node.js 22 LTS, whose
 * built-in fetch the app uses; its user `node` (uid 1000) runs it.
 */
export const RACECOURSE_NODE_IMAGE = "node:22.12.0-alpine";
export const RACECOURSE_NODE_UID = 1000;
