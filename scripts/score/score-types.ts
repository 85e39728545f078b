/**
 * A Score workload (score.dev/v1b1) as the pinned schema defines it:
 * upstream/score/spec/score-v1b1.json. Only what a file that passed the
 * schema can hold.
 */
export interface ScoreWorkload {
  apiVersion: string;
  metadata: ScoreMetadata;
  service?: { ports?: Record<string, ScoreServicePort> };
  containers: Record<string, ScoreContainer>;
  resources?: Record<string, ScoreResource>;
}

export interface ScoreMetadata {
  name: string;
  annotations?: Record<string, string>;
  [extra: string]: unknown;
}

export interface ScoreServicePort {
  port: number;
  protocol?: "TCP" | "UDP";
  targetPort?: number;
}

export interface ScoreContainer {
  image: string;
  command?: string[];
  args?: string[];
  variables?: Record<string, string>;
  /** By target path; the array form (each with a target) is deprecated. */
  files?: Record<string, ScoreFile> | ScoreFile[];
  volumes?: unknown;
  resources?: { limits?: ScoreQuantities; requests?: ScoreQuantities };
  livenessProbe?: ScoreProbe;
  readinessProbe?: ScoreProbe;
  /** Containers started before this one, and what they must reach first. */
  before?: Record<string, { ready: "started" | "healthy" | "complete" }>;
}

/** One file of a container: exactly one of content, binaryContent, source. */
export interface ScoreFile {
  target?: string;
  mode?: string;
  source?: string;
  content?: string;
  binaryContent?: string;
  noExpand?: boolean;
}

export interface ScoreQuantities {
  cpu?: string;
  memory?: string;
}

export interface ScoreProbe {
  httpGet?: ScoreHttpGet;
  exec?: { command: string[] };
}

export interface ScoreHttpGet {
  host?: string;
  scheme?: "HTTP" | "HTTPS";
  path: string;
  port: number;
  httpHeaders?: { name: string; value: string }[];
}

export interface ScoreResource {
  type: string;
  class?: string;
  id?: string;
  metadata?: { annotations?: Record<string, string>; [extra: string]: unknown };
  params?: Record<string, unknown>;
}
