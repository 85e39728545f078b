import type { IExternalSecret } from "@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret";
import type { IAlertmanagerConfig } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1alpha1/AlertmanagerConfig";
import type { IReceiver } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1alpha1/Receiver";
import type { Construct } from "constructs";
import { splitSecretReference } from "../../model/secret-reference.js";
import type { TeamSpec } from "../../model/types.generated.js";
import { addResource } from "../k8s.js";
import { type ObjectMetaProps, objectMeta } from "./object-meta.js";

/** The name of a team's AlertmanagerConfig, and of the Secret holding its Slack webhook URL. */
export const ALERTING_NAME = "alerting";

/** The key of the Slack webhook URL in the Secret {@link ALERTING_NAME}. */
export const SLACK_WEBHOOK_KEY = "slack-webhook-url";

type Channel = "slack" | "email";

/**
 * Which channels get each severity: the team's `alerts` lists, else
 * critical to Slack and email, warnings to Slack. Email only where the team
 * has a contact email (resolve reports a list naming email without one).
 */
export function alertChannels(team: TeamSpec): { critical: Channel[]; warning: Channel[] } {
  const available = (channels: readonly Channel[]) =>
    channels.filter((c) => c === "slack" || team.contact.email !== undefined);
  return {
    critical: available(team.alerts?.critical ?? ["slack", "email"]),
    warning: available(team.alerts?.warning ?? ["slack"]),
  };
}

/** A team's alert routing in one environment. */
export interface AlertmanagerConfigProps extends Omit<ObjectMetaProps, "name"> {
  readonly team: string;
  readonly spec: TeamSpec;
  /** The team namespace's SecretStore, which reads the Slack webhook reference. */
  readonly storeName: string;
  /** @default "1h" */
  readonly refreshInterval?: string;
}

/**
 * Renders, in the team namespace, the AlertmanagerConfig `alerting`
 * (monitoring.coreos.com/v1alpha1): alerts labelled `team: <team>` go to
 * the receiver `critical` when their severity is critical, else to
 * `warning`, each Slack (the team's contact channel) and/or email (its
 * contact address), as {@link alertChannels} says. With `alerts.slackWebhook`
 * an ExternalSecret `alerting` writes the webhook URL into the Secret
 * `alerting` the Slack configs read; without it they use the Alertmanager's
 * global slack_api_url. Email uses the Alertmanager's global SMTP settings:
 * no credential is ever in git. (The Prometheus Operator adds a
 * `namespace` matcher to this route: alerts must carry the team namespace,
 * which the rules' series do.)
 */
export function addTeamAlertmanagerConfig(
  scope: Construct,
  id: string,
  props: AlertmanagerConfigProps,
): void {
  const { spec } = props;
  const webhook = spec.alerts?.slackWebhook;
  const metadata = objectMeta({ ...props, name: ALERTING_NAME });
  if (webhook) {
    const { path, key } = splitSecretReference(webhook);
    addResource<IExternalSecret>(scope, `${id}-secret`, {
      apiVersion: "external-secrets.io/v1",
      kind: "ExternalSecret",
      metadata,
      spec: {
        refreshInterval: props.refreshInterval ?? "1h",
        secretStoreRef: { name: props.storeName, kind: "SecretStore" },
        target: { name: ALERTING_NAME, creationPolicy: "Owner" },
        data: [{ secretKey: SLACK_WEBHOOK_KEY, remoteRef: { key: path, property: key } }],
      },
    });
  }
  const channels = alertChannels(spec);
  const receiver = (name: string, use: readonly Channel[]): IReceiver => ({
    name,
    ...(use.includes("slack")
      ? {
          slackConfigs: [
            {
              channel: spec.contact.slack,
              sendResolved: true,
              ...(webhook ? { apiURL: { name: ALERTING_NAME, key: SLACK_WEBHOOK_KEY } } : {}),
            },
          ],
        }
      : {}),
    ...(use.includes("email") && spec.contact.email
      ? { emailConfigs: [{ to: spec.contact.email, sendResolved: true }] }
      : {}),
  });
  addResource<IAlertmanagerConfig>(scope, id, {
    apiVersion: "monitoring.coreos.com/v1alpha1",
    kind: "AlertmanagerConfig",
    metadata,
    spec: {
      route: {
        receiver: "warning",
        groupBy: ["alertname", "service", "environment"],
        matchers: [{ name: "team", value: props.team, matchType: "=" }],
        routes: [
          { receiver: "critical", matchers: [{ name: "severity", value: "critical", matchType: "=" }] },
        ],
      },
      receivers: [receiver("critical", channels.critical), receiver("warning", channels.warning)],
    },
  });
}
