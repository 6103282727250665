import * as command from "@pulumi/command";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { VolumeRow } from "../cluster/storage-table";
import type { HostSettings } from "../config/profile";
import { certificateWarning, rewriteKubeconfig } from "./kubeconfig";
import { dataSnapshotStep, serverSteps, stepWarnings } from "./steps";

const TYPE = "faf:host:K3sHost";

export interface K3sHostArgs {
  host: HostSettings;
  baseDomain: string;
  /** Undefined: the SSH agent ($SSH_AUTH_SOCK) signs the connection. */
  sshPrivateKey: pulumi.Output<string> | undefined;
  /** The managed volumes, each a dataset. */
  volumes: Readonly<Record<string, VolumeRow>>;
  /** The clock the certificate warning compares against. */
  now?: () => Date;
  /**
   * Snapshot these volumes' datasets whenever `generation` changes (the data services'
   * definitions); undefined: no snapshots.
   */
  dataSnapshot?: { volumes: string[]; generation: string; retentionDays: number };
}

/**
 * k3s on a FAF NixOS/ZFS host, provisioned over SSH: preflight, datasets, container storage,
 * the k3s NixOS module, readiness, then the kubeconfig the Kubernetes provider uses.
 */
export class K3sHost extends pulumi.ComponentResource {
  /** The Kubernetes provider for this cluster. */
  readonly provider: k8s.Provider;
  /** The admin kubeconfig, pointed at the host (secret). */
  readonly kubeconfig: pulumi.Output<string>;
  /** Earliest expiry of k3s's leaf certificates, ISO 8601. */
  readonly certificateExpiry: pulumi.Output<string>;
  /** The steps, by role, in the order they run. */
  readonly steps: Readonly<Record<string, command.remote.Command>>;
  /** The snapshot of the data datasets the data services wait for (none when disabled). */
  readonly dataSnapshot: pulumi.Resource[];

  constructor(name: string, args: K3sHostArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE, name, {}, opts);
    const server = args.host.nodes.find((node) => node.role === "server");
    if (!server) throw new Error(`${name}: faf:host.nodes has no server`);
    const connection: command.types.input.remote.ConnectionArgs = {
      host: server.address,
      port: server.port,
      user: server.user,
      hostKey: server.hostKey,
      ...(args.sshPrivateKey ? { privateKey: args.sshPrivateKey } : {}),
    };

    const steps: Record<string, command.remote.Command> = {};
    let previous: command.remote.Command | undefined;
    for (const step of serverSteps(args.host, args.baseDomain, args.volumes)) {
      previous = steps[step.role] = new command.remote.Command(
        `${name}-${step.role}`,
        {
          connection,
          create: step.create,
          // A changed script or table runs the step again in place; replacing it would run its delete.
          update: step.create,
          ...(step.delete ? { delete: step.delete } : {}),
          // PULUMI_COMMAND_STDOUT would hand one step's output (the kubeconfig) to the next run.
          addPreviousOutputInEnv: false,
          ...(step.secretOutput ? { logging: "none" } : {}),
        },
        {
          parent: this,
          dependsOn: previous ? [previous] : [],
          ...(step.secretOutput ? { additionalSecretOutputs: ["stdout"] } : {}),
        },
      );
    }
    this.steps = steps;
    this.dataSnapshot = [];
    const reporting = Object.entries(steps).filter(([role]) => role !== "kubeconfig");
    if (args.dataSnapshot) {
      const { volumes, generation, retentionDays } = args.dataSnapshot;
      const step = dataSnapshotStep(args.host, volumes, generation, retentionDays, args.volumes);
      const snapshot = new command.remote.Command(
        `${name}-${step.role}`,
        { connection, create: step.create, update: step.create, addPreviousOutputInEnv: false },
        { parent: this, dependsOn: steps.datasets ? [steps.datasets] : [] },
      );
      this.dataSnapshot.push(snapshot);
      reporting.push([step.role, snapshot]);
    }
    // A step's WARNING lines (a zvol size it did not apply, a restored token) reach the admin
    // in `pulumi up`'s output, not only in the step's log.
    for (const [role, step] of reporting) {
      step.stdout.apply((text) => {
        for (const warning of stepWarnings(text)) void pulumi.log.warn(`${server.name} ${role}: ${warning}`, this);
      });
    }
    const kubeconfigStep = steps.kubeconfig;
    const certificatesStep = steps.certificates;
    if (!kubeconfigStep || !certificatesStep) throw new Error(`${name}: the host steps lack kubeconfig or certificates`);

    this.kubeconfig = pulumi.secret(kubeconfigStep.stdout.apply((text) => rewriteKubeconfig(text, server.address, server.name)));
    this.provider = new k8s.Provider(
      `${name}-kubernetes`,
      // A changed kubeconfig (rotated certificates) updates the provider; only another cluster replaces it.
      { kubeconfig: this.kubeconfig, clusterIdentifier: server.name },
      { parent: this },
    );
    const now = args.now ?? (() => new Date());
    this.certificateExpiry = certificatesStep.stdout.apply((text) => {
      const expiry = text.trim();
      const warning = certificateWarning(expiry, now(), server.name, server.address);
      if (warning) void pulumi.log.warn(warning, this);
      return expiry;
    });
    this.registerOutputs({ certificateExpiry: this.certificateExpiry });
  }
}
