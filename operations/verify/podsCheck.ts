import { BOOTNODE_SET, nodePodName, podOf, RACECOURSE_DEPLOYMENT } from "../../lib/network/names";
import { Check } from "./observe";

export const podsCheck: Check = {
    name: "every pod Ready",
    async run(context) {
        const expected = [podOf(BOOTNODE_SET), ...context.nodes.map(nodePodName), `${RACECOURSE_DEPLOYMENT}-`];
        const { ns } = context;
        const count = await context.poll(async () => {
            const pods = await context.kube.pods();
            const missing = expected.filter((name) => !pods.some((pod) => pod.name.startsWith(name) && pod.ready));
            if (missing.length > 0) throw new Error(`not Ready: ${missing.join(", ")}`);
            return pods.length;
        }, `kubectl ${ns} get pods; kubectl ${ns} describe pod <pod>; kubectl ${ns} logs <pod> -c quorum`);
        return `${count} pods`;
    },
};
