import { deployQuorumNetwork } from "./lib/program";

export = async () => deployQuorumNetwork(__dirname);
