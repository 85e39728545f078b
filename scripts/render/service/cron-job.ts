import type { ApiObject, Duration } from "cdk8s";
import type { Construct } from "constructs";
import { cdk8s } from "../cdk8s.js";
import { addKubeObject, type PodTemplateSpec } from "../k8s.js";
import { type ServiceIdentity, workloadMetadataOf } from "./object-metadata.js";

const BLANKS = /\s+/;

/** The controller checks schedules every 10 s: a shorter starting deadline can miss every run. */
const MIN_STARTING_DEADLINE_SECONDS = 10;

/** The CronJob of a cron service. */
export interface CronJobProps {
  identity: ServiceIdentity;
  /** The pod template, from `podTemplate`; its restart policy must be Never or OnFailure. */
  template: PodTemplateSpec;
  /** A five-field cron expression. */
  schedule: string;
  /**
   * The time zone the schedule is read in.
   * @default "Etc/UTC" (the service file's schedules are UTC)
   */
  timeZone?: string;
  /**
   * Retries of a failed run before the job counts as failed.
   * @default 2
   */
  backoffLimit?: number;
  /**
   * How late a run may still start, when the controller missed its time; at
   * least 10 seconds.
   * @default 5 minutes (cdk8s-plus's 10 s drops a run over a short controller restart)
   */
  startingDeadline?: Duration;
  /**
   * Finished jobs kept for their logs.
   * @default 3 successful, 1 failed
   */
  history?: { successful: number; failed: number };
}

/**
 * A CronJob named after the service. Runs never overlap (`Forbid`): a run
 * still going when the next is due makes the next one skip, which is what a
 * batch job that is not written to run twice at once needs. It is not
 * suspended. The schedule is written with single spaces between its fields.
 *
 * It is a cdk8s ApiObject typed by the L1 KubeCronJob's props (see
 * addKubeObject), not cdk8s-plus's CronJob: cdk8s-plus's pod machinery cost
 * about 6x per object, and its output needed JSON patches (seccomp, exact
 * quantities, gRPC probes, its address label).
 */
export function addCronJob(scope: Construct, props: CronJobProps): ApiObject {
  const { name } = props.identity.service;
  const fields = props.schedule.trim().split(BLANKS);
  if (fields.length !== 5) {
    throw new Error(`schedule "${props.schedule}" of ${name} must have five fields`);
  }
  const restartPolicy = props.template.spec?.restartPolicy;
  if (restartPolicy !== "Never" && restartPolicy !== "OnFailure") {
    throw new Error(`the CronJob of ${name} needs pods restarting Never or OnFailure, not ${restartPolicy}`);
  }
  const startingDeadlineSeconds = (props.startingDeadline ?? cdk8s.Duration.minutes(5)).toSeconds();
  if (startingDeadlineSeconds < MIN_STARTING_DEADLINE_SECONDS) {
    throw new Error(
      `the starting deadline of ${name} (${startingDeadlineSeconds} s) is under ${MIN_STARTING_DEADLINE_SECONDS} s`,
    );
  }
  return addKubeObject(scope, "cron-job", "CronJob", {
    metadata: workloadMetadataOf(props.identity),
    spec: {
      schedule: fields.join(" "),
      timeZone: props.timeZone ?? "Etc/UTC",
      concurrencyPolicy: "Forbid",
      startingDeadlineSeconds,
      suspend: false,
      successfulJobsHistoryLimit: props.history?.successful ?? 3,
      failedJobsHistoryLimit: props.history?.failed ?? 1,
      jobTemplate: {
        spec: {
          backoffLimit: props.backoffLimit ?? 2,
          template: props.template,
        },
      },
    },
  });
}
