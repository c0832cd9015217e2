// The quorum image each runtime runs when the stack names none (Pulumi.yaml's quorumImage is empty).
import { RuntimeKind } from "../config/model";

export const DEFAULT_QUORUM_IMAGE: Record<RuntimeKind, string> = {
    // The seed's image, built from quorum-tools.
    kaleido: "jpmorganchase/quorum",
    // The last GoQuorum release (go-ethereum 1.10.3 inside).
    goquorum: "quorumengineering/quorum:24.4.1",
};
