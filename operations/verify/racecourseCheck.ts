import { httpRequest } from "../../lib/httpRequest";
import { Check } from "./observe";

export const racecourseCheck: Check = {
    name: "the racecourse answers through the ingress",
    async run(context) {
        const { racecourseUrl, ingressAddress } = context.target;
        const url = new URL(racecourseUrl);
        const response = await context.poll(async () => {
            const answer = await httpRequest(`http://${ingressAddress}${url.pathname}`, { headers: { host: url.host }, timeoutMs: context.options.checkTimeoutMs });
            if (answer.status >= 400) throw new Error(`${racecourseUrl} answered ${answer.status}`);
            return answer;
        }, `minikube addons list (ingress enabled?); kubectl ${context.ns} get ingress; with the docker driver on macOS or Windows, run 'minikube tunnel'`);
        return `HTTP ${response.status}`;
    },
};
