import { httpRequest } from "../../lib/httpRequest";
import { TUNNEL_ADDRESS } from "../../lib/minikube/ingressRoute";
import { Check } from "./observe";

export const racecourseCheck: Check = {
    name: "the racecourse answers through the ingress",
    async run(context) {
        const { racecourseUrl, ingressAddress } = context.target;
        const url = new URL(racecourseUrl);
        const request = { headers: { host: url.host }, timeoutMs: context.options.checkTimeoutMs };
        const response = await context.poll(
            async () => {
                const answer = await httpRequest(`http://${ingressAddress}${url.pathname}`, request);
                if (answer.status >= 400) throw new Error(`${racecourseUrl} answered ${answer.status}`);
                return answer;
            },
            racecourseLookAt(context.ns, ingressAddress),
        );
        return `HTTP ${response.status}`;
    },
};

/** What to look at when the ingress does not answer: the addon, the Ingress, and the tunnel when the stack's address is the tunnel's. */
export function racecourseLookAt(ns: string, ingressAddress: string): string {
    const common = `minikube addons list (ingress enabled?); kubectl ${ns} get ingress`;
    const host = ingressAddress.replace(/:\d+$/, "");
    if (host === TUNNEL_ADDRESS) {
        const driver = "docker or podman driver on macOS or Windows";
        return `${common}; this stack reaches its ingress on ${TUNNEL_ADDRESS} via 'minikube tunnel' (${driver}): is 'minikube tunnel -p <profile>' running?`;
    }
    return `${common}; can this machine reach ${ingressAddress}? ('npm run connect' reaches the racecourse through kubectl instead)`;
}
