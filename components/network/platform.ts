import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { QdataMember } from "../../lib/model/qdata";
import { NetworkFiles, renderedFiles } from "../../lib/network/networkFiles";
import { LayoutEntry, QDATA_LAYOUT, SeedFile, seedFiles } from "../../lib/model/layout";

/** One member's qdata storage, as its pods use it. */
export interface MemberStorage {
    /** Pod volumes, one named `qdata` (QDATA_VOLUME). */
    volumes: k8s.types.input.core.v1.Volume[];
    /** Run before the member's containers: seeding, where the platform seeds in the pod. */
    initContainers: k8s.types.input.core.v1.Container[];
    /** What every container of the member mounts: its qdata at /qdata (and on clusters the peer list). */
    volumeMounts: k8s.types.input.core.v1.VolumeMount[];
    /**
     * Changes whenever the member's chain identity (genesis, keys) or its place changes, never with
     * the peer list; pod templates carry it so pods restart on a re-seed only.
     */
    seedId: string;
    /** The member's StatefulSet is created only after these. */
    ready: pulumi.Resource[];
}

export interface MemberStorageRequest {
    member: QdataMember;
    /** Nodes only: the peer list (files naming cluster addresses), updated in place when it changes. */
    networkFiles?: NetworkFiles;
    /** Nodes only: the runtime whose chain data the folder holds; seeded as RUNTIME_FILE, so another one starts a new chain. */
    runtimeName?: string;
    namespace: pulumi.Input<string>;
    provider: k8s.Provider;
}

/** What of a storage request decides the files a member's storage lays. */
export type MemberFiles = Pick<MemberStorageRequest, "member" | "networkFiles" | "runtimeName">;

/** Everything a member's storage lays, by the layout: its copied files and the program's rendered ones. */
export function seedFilesOf(request: MemberFiles, layout: readonly LayoutEntry[] = QDATA_LAYOUT): SeedFile[] {
    return seedFiles(request.member.files, renderedFiles(request.networkFiles, request.runtimeName), layout);
}

/**
 * What differs between minikube (components/minikube) and any other cluster
 * (components/kubernetes). The network calls it with its own children's options, so every
 * resource keeps its place (and URN) under the network.
 */
export interface Platform {
    /** Declares what the platform needs before any workload (minikube: addon, image loads). */
    prepare(name: string, opts: pulumi.ComponentResourceOptions): void;
    /** What a workload running these images waits for. */
    imagesReady(images: string[]): pulumi.Resource[];
    /** What the Ingress waits for. */
    ingressReady(): pulumi.Resource[];
    storage(name: string, request: MemberStorageRequest, opts: pulumi.ComponentResourceOptions): MemberStorage;
    /** Called once every member's storage is declared (minikube: its one seed Command's plan is then whole). */
    membersDeclared(): void;
    /** The member's chain identity where this platform keeps it: what its storage's seedId will be. */
    seedId(member: QdataMember, runtimeName?: string): string;
    /** Spread nodes over the cluster's nodes, and keep a consensus quorum up through drains. */
    spreadsNodes: boolean;
}
