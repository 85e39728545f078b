import { ApiObject, Cron, Duration } from "cdk8s";
import * as kplus from "cdk8s-plus-28";
import type { Construct } from "constructs";
import { metadataOf, type ServiceIdentity } from "./object-metadata.js";
import type { PodTemplate } from "./pod-template.js";

const BLANKS = /\s+/;

/** The CronJob of a cron service. */
export interface CronJobProps {
  identity: ServiceIdentity;
  /** The pod template; its restart policy must be Never or OnFailure. */
  template: PodTemplate;
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
   * How late a run may still start, when the controller missed its time.
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
 * batch job that is not written to run twice at once needs.
 */
export function addCronJob(scope: Construct, props: CronJobProps): kplus.CronJob {
  const fields = props.schedule.trim().split(BLANKS);
  if (fields.length !== 5) {
    throw new Error(`schedule "${props.schedule}" of ${props.identity.service.name} must have five fields`);
  }
  const [minute, hour, day, month, weekDay] = fields;
  const cronJob = new kplus.CronJob(scope, "cron-job", {
    ...props.template.props,
    metadata: metadataOf(props.identity),
    schedule: Cron.schedule({ minute, hour, day, month, weekDay }),
    timeZone: props.timeZone ?? "Etc/UTC",
    concurrencyPolicy: kplus.ConcurrencyPolicy.FORBID,
    successfulJobsRetained: props.history?.successful ?? 3,
    failedJobsRetained: props.history?.failed ?? 1,
    backoffLimit: props.backoffLimit ?? 2,
    startingDeadline: props.startingDeadline ?? Duration.minutes(5),
  });
  props.template.patch(ApiObject.of(cronJob), "/spec/jobTemplate/spec/template");
  return cronJob;
}
