// Each runtime by the name the stack's runtime key gives it, or gave it before.
import { FORMER_RUNTIME_NAMES, isFormerRuntimeName, RuntimeKind, RuntimeName } from "../model/network";
import { goquorumRuntime } from "./goquorum";
import { quorumToolsRuntime } from "./quorumTools";
import { Runtime } from "./runtime";

const BY_KIND: Record<RuntimeKind, Runtime> = { "quorum-tools": quorumToolsRuntime, goquorum: goquorumRuntime };

export const ALL_RUNTIMES: readonly Runtime[] = Object.values(BY_KIND);

/** Every runtime but `runtime`: the stack keys only they read are refused under it. */
export function runtimesBesides(runtime: Runtime): Runtime[] {
    return ALL_RUNTIMES.filter((other) => other !== runtime);
}

/** A stack's runtime, by its name or a former one (a stack's outputs written before a rename say that). */
export function runtimeNamed(name: RuntimeName): Runtime {
    return BY_KIND[isFormerRuntimeName(name) ? FORMER_RUNTIME_NAMES[name] : name];
}
