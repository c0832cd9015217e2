// Each runtime by the name the stack's runtime key gives it.
import { RuntimeKind } from "../model/network";
import { goquorumRuntime } from "./goquorum";
import { kaleidoRuntime } from "./kaleido";
import { Runtime } from "./runtime";

const BY_NAME: Record<RuntimeKind, Runtime> = { goquorum: goquorumRuntime, kaleido: kaleidoRuntime };

export function runtimeNamed(name: RuntimeKind): Runtime {
    return BY_NAME[name];
}
