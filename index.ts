import { deployQuorumNetwork } from "./program";

export = async () => deployQuorumNetwork(__dirname);
