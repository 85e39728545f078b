import { execFileSync } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Files and secrets that make a test API server's TLS and authentication. */
export interface TestPki {
  /** PEM file of the CA that signed the serving certificate. */
  caFile: string;
  /** Its contents. */
  ca: string;
  /** A serving certificate and key for 127.0.0.1 and localhost. */
  certFile: string;
  keyFile: string;
  /** Service-account token keys (RSA, PEM). */
  serviceAccountPublicKey: string;
  serviceAccountPrivateKey: string;
  /** The --token-auth-file: one token of user `admin` in `system:masters`. */
  tokenFile: string;
  token: string;
}

function openssl(dir: string, ...args: string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
}

/**
 * Generates, in `dir`, a CA and a serving certificate for 127.0.0.1 (openssl,
 * P-256), the service-account key pair (node:crypto) and an admin token file.
 * Everything lives in the test's temporary folder and dies with it.
 */
export function createPki(dir: string): TestPki {
  openssl(dir, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ca.key");
  openssl(
    dir,
    ...["req", "-x509", "-new", "-key", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=idp-test-ca"],
    ...["-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
  );
  openssl(dir, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "server.key");
  openssl(dir, "req", "-new", "-key", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1");
  writeFileSync(
    join(dir, "server.ext"),
    [
      "subjectAltName=IP:127.0.0.1,DNS:localhost",
      "basicConstraints=CA:FALSE",
      "keyUsage=critical,digitalSignature,keyEncipherment",
      "extendedKeyUsage=serverAuth",
      "",
    ].join("\n"),
  );
  openssl(
    dir,
    ...["x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial"],
    ...["-out", "server.crt", "-days", "2", "-extfile", "server.ext"],
  );
  const keys = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  const serviceAccountPublicKey = join(dir, "sa.pub");
  const serviceAccountPrivateKey = join(dir, "sa.key");
  writeFileSync(serviceAccountPublicKey, keys.publicKey);
  writeFileSync(serviceAccountPrivateKey, keys.privateKey, { mode: 0o600 });
  const token = randomBytes(24).toString("hex");
  const tokenFile = join(dir, "tokens.csv");
  writeFileSync(tokenFile, `${token},admin,admin,"system:masters"\n`, { mode: 0o600 });
  return {
    caFile: join(dir, "ca.crt"),
    ca: readFileSync(join(dir, "ca.crt"), "utf8"),
    certFile: join(dir, "server.crt"),
    keyFile: join(dir, "server.key"),
    serviceAccountPublicKey,
    serviceAccountPrivateKey,
    tokenFile,
    token,
  };
}
