/** What an AWS SDK client of a fleet reads from the environment the CLI or the caller gives, rather than process.env. */
export interface AwsClientConfig {
  readonly region: string;
  readonly endpoint?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
}

/**
 * Region, endpoint and static credentials from `env`: `AWS_REGION` (else `AWS_DEFAULT_REGION`, else us-east-1),
 * `AWS_ENDPOINT_URL_<SERVICE>` or `AWS_ENDPOINT_URL`, and `AWS_ACCESS_KEY_ID` with `AWS_SECRET_ACCESS_KEY` (and
 * `AWS_SESSION_TOKEN`). Without static keys the SDK's standard chain finds them (profile, SSO, container or instance role).
 */
export function awsClientConfig(env: Readonly<Record<string, string | undefined>>, service: 'S3' | 'BATCH'): AwsClientConfig {
  // The SDK's versions for Node 20 warn on stderr, as each client is made, that later ones will need Node 22: news
  // for whoever upgrades the SDK, not for a user's run.
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  const endpoint = env[`AWS_ENDPOINT_URL_${service}`] || env['AWS_ENDPOINT_URL'] || undefined;
  const accessKeyId = env['AWS_ACCESS_KEY_ID'];
  const secretAccessKey = env['AWS_SECRET_ACCESS_KEY'];
  const sessionToken = env['AWS_SESSION_TOKEN'];
  return {
    region: env['AWS_REGION'] || env['AWS_DEFAULT_REGION'] || 'us-east-1',
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } } : {}),
  };
}
