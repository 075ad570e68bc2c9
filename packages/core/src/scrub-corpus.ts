/**
 * Test corpora of the scrubber: fake credentials in the shapes real providers issue, planted in
 * the places apps leak them, and benign text that must pass unchanged.
 *
 * The credential shapes (prefix, alphabet, length) are facts from the public rule lists of
 * secret scanners; the values are generated here from a seeded generator, so they are valid in
 * shape and worthless. Prefixes are assembled at run time so that secret scanners do not flag
 * this file.
 */

export interface VendorCase {
  provider: string;
  category: 'cloud' | 'vcs' | 'payment' | 'chat' | 'mail' | 'ai' | 'registry' | 'saas';
  /** The credential, valid in shape. */
  secret: string;
  /**
   * `shape`: recognised anywhere by its own shape (so also in prose). `key`: a bare value with no
   * shape of its own (hex, UUID, base64), recognised under the names apps store it under.
   */
  found: 'shape' | 'key';
  /** Variable name the provider's docs use for it. */
  env: string;
}

/** A small seeded generator (mulberry32), so every run plants the same values. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const ALNUM = UPPER + LOWER + DIGITS;
const HEX = '0123456789abcdef';
const LOWER_ALNUM = LOWER + DIGITS;
const UPPER_ALNUM = UPPER + DIGITS;
const URLSAFE = `${ALNUM}_-`;
const BASE64 = `${ALNUM}+/`;
const BECH32 = 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L';
const BASE32 = `${UPPER}234567`;

/** Builds the cases from a seed: one credential per provider. */
export function vendorCases(seed = 1): VendorCase[] {
  const random = seeded(seed);
  const from = (alphabet: string, length: number): string => {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(random() * alphabet.length)];
    return out;
  };
  // Random strings of a mixed alphabet that still hold a digit and both cases, as issued ones do.
  const mixed = (alphabet: string, length: number): string => `${from(alphabet, length - 3)}a7Q`;
  const p = (...parts: string[]) => parts.join('');
  const uuid = () => `${from(HEX, 8)}-${from(HEX, 4)}-4${from(HEX, 3)}-a${from(HEX, 3)}-${from(HEX, 12)}`;
  const shape = (
    provider: string,
    category: VendorCase['category'],
    env: string,
    secret: string,
  ): VendorCase => ({ provider, category, env, secret, found: 'shape' });
  const key = (
    provider: string,
    category: VendorCase['category'],
    env: string,
    secret: string,
  ): VendorCase => ({
    provider,
    category,
    env,
    secret,
    found: 'key',
  });
  return [
    // Cloud
    shape('AWS access key id', 'cloud', 'AWS_ACCESS_KEY_ID', p('AK', 'IA', from(BASE32, 16))),
    key('AWS secret access key', 'cloud', 'AWS_SECRET_ACCESS_KEY', mixed(BASE64, 40)),
    shape('Google API key', 'cloud', 'GOOGLE_API_KEY', p('AI', 'za', 'Sy', mixed(URLSAFE, 33))),
    shape(
      'Google OAuth client secret',
      'cloud',
      'GOOGLE_CLIENT_SECRET',
      p('GOC', 'SPX-', mixed(URLSAFE, 28)),
    ),
    shape(
      'Azure AD client secret',
      'cloud',
      'AZURE_CLIENT_SECRET',
      p(from(ALNUM, 3), '8Q~', from(URLSAFE, 34)),
    ),
    key('Azure storage account key', 'cloud', 'AZURE_STORAGE_ACCOUNT_KEY', `${mixed(BASE64, 86)}==`),
    shape('DigitalOcean', 'cloud', 'DIGITALOCEAN_TOKEN', p('do', 'p_v1_', from(HEX, 64))),
    shape('Heroku', 'cloud', 'HEROKU_API_KEY', p('HR', 'KU-AA', mixed(URLSAFE, 58))),
    key('Heroku (legacy)', 'cloud', 'HEROKU_API_KEY', uuid()),
    shape('Alibaba Cloud', 'cloud', 'ALIBABA_ACCESS_KEY_ID', p('LT', 'AI', mixed(ALNUM, 20))),
    key('Cloudflare API token', 'cloud', 'CLOUDFLARE_API_TOKEN', mixed(URLSAFE, 40)),
    shape('Fly.io', 'cloud', 'FLY_API_TOKEN', p('fo', '1_', mixed(URLSAFE, 43))),
    shape('HashiCorp Vault', 'cloud', 'VAULT_TOKEN', p('hv', 's.', mixed(URLSAFE, 95))),
    shape('Doppler', 'cloud', 'DOPPLER_TOKEN', p('dp', '.pt.', mixed(LOWER_ALNUM, 43))),
    shape('Pulumi', 'cloud', 'PULUMI_ACCESS_TOKEN', p('pu', 'l-', from(HEX, 40))),
    shape('Databricks', 'cloud', 'DATABRICKS_TOKEN', p('da', 'pi', from(HEX, 32))),
    shape('Supabase', 'cloud', 'SUPABASE_ACCESS_TOKEN', p('sb', 'p_', from(HEX, 40))),
    shape('Supabase secret key', 'cloud', 'SUPABASE_SECRET_KEY', p('sb_', 'secret_', mixed(URLSAFE, 32))),
    shape('PlanetScale', 'cloud', 'PLANETSCALE_TOKEN', p('pscale', '_tkn_', mixed(URLSAFE, 43))),
    shape('Grafana Cloud', 'cloud', 'GRAFANA_CLOUD_TOKEN', p('gl', 'c_', mixed(ALNUM, 48))),
    shape('New Relic', 'cloud', 'NEW_RELIC_API_KEY', p('NR', 'AK-', from(UPPER_ALNUM, 27))),
    shape(
      'Dynatrace',
      'cloud',
      'DT_API_TOKEN',
      p('dt0', 'c01.', from(UPPER_ALNUM, 24), '.', from(UPPER_ALNUM, 64)),
    ),
    key('Datadog', 'cloud', 'DD_API_KEY', from(HEX, 32)),
    shape('OpenWhisk / IBM Cloud Functions', 'cloud', '__OW_API_KEY', p(uuid(), ':', mixed(ALNUM, 64))),
    shape(
      'Cloudflare Origin CA key',
      'cloud',
      'CF_ORIGIN_CA_KEY',
      p('v1', '.0-', from(HEX, 24), '-', from(HEX, 146)),
    ),
    shape(
      'Tailscale',
      'cloud',
      'TS_AUTHKEY',
      p('tskey', '-auth-', mixed(ALNUM, 12), 'CNTRL-', mixed(ALNUM, 32)),
    ),
    shape('Grafana API key', 'cloud', 'GRAFANA_API_KEY', p('eyJr', 'Ijoi', mixed(ALNUM, 80))),
    shape('Google OAuth refresh token', 'cloud', 'GOOGLE_REFRESH_TOKEN', p('1/', '/0', mixed(URLSAFE, 100))),
    shape('Doppler service token', 'cloud', 'DOPPLER_TOKEN', p('dp', '.st.prd.', mixed(ALNUM, 40))),
    shape(
      'Terraform Cloud',
      'cloud',
      'TF_API_TOKEN',
      p(mixed(ALNUM, 14), '.atlas', 'v1.', mixed(URLSAFE, 67)),
    ),
    shape(
      '1Password service account',
      'cloud',
      'OP_SERVICE_ACCOUNT_TOKEN',
      p('op', 's_eyJ', mixed(BASE64, 250)),
    ),
    shape('Sentry user token', 'cloud', 'SENTRY_AUTH_TOKEN', p('sntr', 'yu_', from(HEX, 64))),
    // Version control and CI
    shape('GitHub personal access token', 'vcs', 'GITHUB_TOKEN', p('gh', 'p_', mixed(ALNUM, 36))),
    shape('GitHub OAuth token', 'vcs', 'GH_OAUTH_TOKEN', p('gh', 'o_', mixed(ALNUM, 36))),
    shape(
      'GitHub fine-grained token',
      'vcs',
      'GITHUB_PAT',
      p('github', '_pat_', '11', from(UPPER_ALNUM, 20), '_', mixed(ALNUM, 59)),
    ),
    shape('GitLab personal access token', 'vcs', 'GITLAB_TOKEN', p('gl', 'pat-', mixed(URLSAFE, 20))),
    shape('Atlassian API token', 'vcs', 'JIRA_API_TOKEN', p('ATA', 'TT3', mixed(URLSAFE, 186))),
    key('Bitbucket app password', 'vcs', 'BITBUCKET_APP_PASSWORD', mixed(ALNUM, 20)),
    shape('GitLab pipeline trigger token', 'vcs', 'GITLAB_TRIGGER_TOKEN', p('gl', 'ptt-', from(HEX, 40))),
    shape('Sourcegraph', 'vcs', 'SRC_ACCESS_TOKEN', p('sg', 'p_', from(HEX, 40))),
    shape('Linear', 'vcs', 'LINEAR_API_KEY', p('lin', '_api_', mixed(ALNUM, 40))),
    shape('Postman', 'vcs', 'POSTMAN_API_KEY', p('PM', 'AK-', from(HEX, 24), '-', from(HEX, 34))),
    // Payment
    shape('Stripe secret key', 'payment', 'STRIPE_SECRET_KEY', p('sk', '_live_', mixed(ALNUM, 99))),
    shape('Stripe restricted key', 'payment', 'STRIPE_RESTRICTED_KEY', p('rk', '_live_', mixed(ALNUM, 24))),
    shape('Stripe webhook secret', 'payment', 'STRIPE_WEBHOOK_SECRET', p('wh', 'sec_', mixed(ALNUM, 32))),
    shape('EasyPost', 'payment', 'EASYPOST_API_KEY', p('EZ', 'AK', mixed(ALNUM, 54))),
    shape('Shippo', 'payment', 'SHIPPO_API_TOKEN', p('shippo', '_live_', from(HEX, 40))),
    shape('Square access token', 'payment', 'SQUARE_ACCESS_TOKEN', p('EA', 'AA', mixed(URLSAFE, 60))),
    shape('Square OAuth secret', 'payment', 'SQUARE_SECRET', p('sq0', 'csp-', mixed(URLSAFE, 43))),
    shape('Shopify', 'payment', 'SHOPIFY_ACCESS_TOKEN', p('shp', 'at_', from(HEX, 32))),
    shape('Flutterwave', 'payment', 'FLW_SECRET_KEY', p('FLWSE', 'CK_TEST-', from(HEX, 32), '-X')),
    key('PayPal client secret', 'payment', 'PAYPAL_CLIENT_SECRET', mixed(URLSAFE, 80)),
    shape(
      'Braintree access token',
      'payment',
      'BRAINTREE_ACCESS_TOKEN',
      p('access', '_token$production$', from(LOWER_ALNUM, 16), '$', from(HEX, 32)),
    ),
    key('Adyen API key', 'payment', 'ADYEN_API_KEY', mixed(BASE64, 64)),
    // Chat
    shape(
      'Slack bot token',
      'chat',
      'SLACK_BOT_TOKEN',
      p('xo', 'xb-', from(DIGITS, 12), '-', from(DIGITS, 13), '-', mixed(ALNUM, 24)),
    ),
    shape(
      'Slack user token',
      'chat',
      'SLACK_USER_TOKEN',
      p('xo', 'xp-', from(DIGITS, 12), '-', from(DIGITS, 12), '-', from(DIGITS, 13), '-', from(HEX, 32)),
    ),
    shape(
      'Slack app token',
      'chat',
      'SLACK_APP_TOKEN',
      p('xa', 'pp-1-A', from(UPPER_ALNUM, 10), '-', from(DIGITS, 13), '-', from(HEX, 64)),
    ),
    shape(
      'Slack legacy token',
      'chat',
      'SLACK_LEGACY_TOKEN',
      p('xo', 'xs-', from(DIGITS, 10), '-', from(DIGITS, 10), '-', from(DIGITS, 10), '-', from(HEX, 64)),
    ),
    shape('Telegram bot token', 'chat', 'TELEGRAM_BOT_TOKEN', p(from(DIGITS, 10), ':AA', mixed(URLSAFE, 33))),
    // Shapes of secret scanners' default rules (gitleaks)
    shape('Hugging Face organization token', 'ai', 'HF_ORG_TOKEN', p('api_', 'org_', mixed(ALNUM, 34))),
    shape('New Relic insert key', 'saas', 'NEW_RELIC_INSERT_KEY', p('NRI', 'I-', mixed(URLSAFE, 32))),
    shape(
      '1Password secret key',
      'saas',
      'OP_SECRET_KEY',
      p(
        'A',
        '3-',
        from(UPPER_ALNUM, 6),
        '-',
        from(UPPER_ALNUM, 11),
        '-',
        from(UPPER_ALNUM, 5),
        '-',
        from(UPPER_ALNUM, 5),
        '-',
        from(UPPER_ALNUM, 5),
      ),
    ),
    shape('Octopus Deploy API key', 'saas', 'OCTOPUS_API_KEY', p('AP', 'I-', from(UPPER_ALNUM, 24), '7Q')),
    shape('ClickHouse Cloud secret', 'cloud', 'CLICKHOUSE_SECRET', p('4b', '1d', mixed(ALNUM, 38))),
    shape(
      'MaxMind license key',
      'saas',
      'MAXMIND_LICENSE_KEY',
      p(mixed(ALNUM, 6), '_', mixed(ALNUM, 29), '_mm', 'k'),
    ),
    shape('HashiCorp Vault token (old format)', 'cloud', 'VAULT_TOKEN', p('s', '.', mixed(ALNUM, 24))),
    shape(
      'Discord bot token',
      'chat',
      'DISCORD_BOT_TOKEN',
      p('MT', mixed(ALNUM, 24), '.', from(URLSAFE, 6), '.', mixed(URLSAFE, 38)),
    ),
    key('Twilio auth token', 'chat', 'TWILIO_AUTH_TOKEN', from(HEX, 32)),
    shape('Twilio API key', 'chat', 'TWILIO_API_KEY', p('S', 'K', from(HEX, 32))),
    shape('Facebook page token', 'chat', 'FB_PAGE_ACCESS_TOKEN', p('EA', 'AM', mixed(ALNUM, 120))),
    // Mail
    shape('SendGrid', 'mail', 'SENDGRID_API_KEY', p('S', 'G.', mixed(URLSAFE, 22), '.', mixed(URLSAFE, 43))),
    shape(
      'Brevo (Sendinblue)',
      'mail',
      'BREVO_API_KEY',
      p('xkey', 'sib-', from(HEX, 64), '-', mixed(ALNUM, 16)),
    ),
    shape('Mailgun', 'mail', 'MAILGUN_API_KEY', p('key', '-', from(HEX, 32))),
    shape(
      'Mailgun (private key)',
      'mail',
      'MAILGUN_API_KEY',
      p(from(HEX, 32), '-', from(HEX, 8), '-', from(HEX, 8)),
    ),
    shape('Mailchimp', 'mail', 'MAILCHIMP_API_KEY', p(from(HEX, 32), '-us', '21')),
    key('Postmark', 'mail', 'POSTMARK_SERVER_TOKEN', uuid()),
    key('Resend', 'mail', 'RESEND_API_KEY', p('re', '_', mixed(ALNUM, 32))),
    // AI APIs
    shape(
      'OpenAI',
      'ai',
      'OPENAI_API_KEY',
      p('sk', '-proj-', mixed(URLSAFE, 74), 'T3Blbk', 'FJ', mixed(URLSAFE, 74)),
    ),
    shape('Anthropic', 'ai', 'ANTHROPIC_API_KEY', p('sk', '-ant-api03-', mixed(URLSAFE, 93), 'AA')),
    shape('Hugging Face', 'ai', 'HF_TOKEN', p('h', 'f_', mixed(UPPER + LOWER, 34))),
    shape('Groq', 'ai', 'GROQ_API_KEY', p('gs', 'k_', mixed(ALNUM, 52))),
    shape('Perplexity', 'ai', 'PERPLEXITY_API_KEY', p('pp', 'lx-', mixed(ALNUM, 48))),
    shape('xAI', 'ai', 'XAI_API_KEY', p('xa', 'i-', mixed(ALNUM, 80))),
    shape('Replicate', 'ai', 'REPLICATE_API_TOKEN', p('r', '8_', mixed(ALNUM, 37))),
    shape('Pinecone', 'ai', 'PINECONE_API_KEY', p('pc', 'sk_', mixed(ALNUM, 50))),
    shape('LangSmith', 'ai', 'LANGSMITH_API_KEY', p('lsv2', '_pt_', from(HEX, 32), '_', from(HEX, 10))),
    key('Cohere', 'ai', 'CO_API_KEY', mixed(ALNUM, 40)),
    key('Mistral', 'ai', 'MISTRAL_API_KEY', mixed(ALNUM, 32)),
    // Package registries
    shape('npm', 'registry', 'NPM_TOKEN', p('np', 'm_', mixed(ALNUM, 36))),
    shape('PyPI', 'registry', 'PYPI_TOKEN', p('py', 'pi-AgEIcHlwaS5vcmc', mixed(URLSAFE, 60))),
    shape('RubyGems', 'registry', 'GEM_HOST_API_KEY', p('ruby', 'gems_', from(HEX, 48))),
    shape('NuGet', 'registry', 'NUGET_API_KEY', p('oy', '2', mixed(LOWER_ALNUM, 43))),
    shape('Clojars', 'registry', 'CLOJARS_TOKEN', p('CLO', 'JARS_', mixed(LOWER_ALNUM, 60))),
    shape('Docker Hub', 'registry', 'DOCKERHUB_TOKEN', p('dckr', '_pat_', mixed(URLSAFE, 27))),
    shape('JFrog Artifactory', 'registry', 'ARTIFACTORY_API_KEY', p('AK', 'Cp', mixed(ALNUM, 69))),
    shape('JFrog reference token', 'registry', 'JFROG_ACCESS_TOKEN', p('cmV', 'md', mixed(ALNUM, 59))),
    // Other SaaS
    shape('Notion', 'saas', 'NOTION_TOKEN', p('nt', 'n_', from(DIGITS, 11), mixed(ALNUM, 35))),
    shape('Notion (older integration)', 'saas', 'NOTION_TOKEN', p('sec', 'ret_', mixed(ALNUM, 43))),
    shape('Figma', 'saas', 'FIGMA_TOKEN', p('fi', 'gd_', mixed(URLSAFE, 40))),
    shape('Contentful', 'saas', 'CONTENTFUL_MANAGEMENT_TOKEN', p('CFP', 'AT-', mixed(URLSAFE, 43))),
    shape('age encryption', 'saas', 'AGE_SECRET_KEY', p('AGE-SECRET', '-KEY-1', from(BECH32, 58))),
    shape('Airtable', 'saas', 'AIRTABLE_TOKEN', p('pa', 't', mixed(ALNUM, 14), '.', from(HEX, 64))),
    shape('Typeform', 'saas', 'TYPEFORM_TOKEN', p('tf', 'p_', mixed(URLSAFE, 59))),
    shape('Frame.io', 'saas', 'FRAMEIO_TOKEN', p('fio', '-u-', mixed(URLSAFE, 64))),
    shape('Prefect', 'saas', 'PREFECT_API_KEY', p('pn', 'u_', mixed(ALNUM, 36))),
    shape('ReadMe', 'saas', 'README_API_KEY', p('rd', 'me_', mixed(LOWER_ALNUM, 70))),
    shape('Adobe client secret', 'saas', 'ADOBE_CLIENT_SECRET', p('p8', 'e-', mixed(ALNUM, 32))),
    key('Okta', 'saas', 'OKTA_API_TOKEN', p('00', mixed(URLSAFE, 40))),
    key('Auth0 client secret', 'saas', 'AUTH0_CLIENT_SECRET', mixed(URLSAFE, 64)),
    key('Algolia admin key', 'saas', 'ALGOLIA_ADMIN_KEY', from(HEX, 32)),
    shape(
      'Bitbucket app password',
      'vcs',
      'BITBUCKET_APP_PASSWORD',
      p('AT', 'BB', mixed(ALNUM, 28), from(HEX, 8)),
    ),
    shape('Intercom', 'chat', 'INTERCOM_ACCESS_TOKEN', p('dG9r', 'Oj', mixed(ALNUM, 54), '=')),
    shape('Adafruit IO', 'saas', 'ADAFRUIT_IO_KEY', p('ai', 'o_', mixed(ALNUM, 28))),
    shape('Buildkite', 'vcs', 'BUILDKITE_API_TOKEN', p('bk', 'ua_', from(HEX, 37), 'a7Q')),
    shape('CircleCI', 'vcs', 'CIRCLECI_TOKEN', p('CCI', 'PAT_', mixed(ALNUM, 22), '_', from(HEX, 40))),
    shape('Duffel', 'payment', 'DUFFEL_ACCESS_TOKEN', p('duffel', '_live_', mixed(URLSAFE, 43))),
    shape('Dropbox', 'cloud', 'DROPBOX_ACCESS_TOKEN', p('s', 'l.', mixed(URLSAFE, 135))),
    shape('Netlify', 'cloud', 'NETLIFY_AUTH_TOKEN', p('nf', 'p_', mixed(ALNUM, 36))),
    shape(
      'X (Twitter) bearer',
      'chat',
      'TWITTER_BEARER_TOKEN',
      p('AAAAAAAAAAA', 'AAAAAAAAAAA', mixed(ALNUM, 90)),
    ),
    shape('Neon', 'cloud', 'NEON_API_KEY', p('na', 'pi_', mixed(LOWER_ALNUM, 64))),
    shape('Render', 'cloud', 'RENDER_API_KEY', p('rn', 'd_', mixed(ALNUM, 32))),
    shape('PostHog personal key', 'saas', 'POSTHOG_PERSONAL_API_KEY', p('ph', 'x_', mixed(ALNUM, 47))),
    shape('Yandex OAuth', 'cloud', 'YANDEX_OAUTH_TOKEN', p('y', '0_', mixed(URLSAFE, 58))),
    shape('Scalingo', 'cloud', 'SCALINGO_API_TOKEN', p('tk', '-us-', mixed(URLSAFE, 48))),
    shape('Plaid', 'payment', 'PLAID_ACCESS_TOKEN', p('access', '-production-', uuid())),
    shape(
      'Harness',
      'vcs',
      'HARNESS_API_KEY',
      p('pa', 't.', mixed(URLSAFE, 22), '.', mixed(ALNUM, 24), '.', mixed(ALNUM, 20)),
    ),
    shape('Infracost', 'saas', 'INFRACOST_API_KEY', p('ic', 'o-', mixed(ALNUM, 32))),
    shape('Fly.io', 'cloud', 'FLY_API_TOKEN', p('fm', '2_', mixed(URLSAFE, 120))),
    shape('Fly.io (older macaroon)', 'cloud', 'FLY_API_TOKEN', p('fm', '1r_', mixed(BASE64, 100))),
    shape(
      'AWS Bedrock short-lived key',
      'ai',
      'AWS_BEARER_TOKEN_BEDROCK',
      p('bedrock', '-api-key-', 'YmVkcm9jay5hbWF6b25hd3MuY29tLz9BY3Rpb249', mixed(BASE64, 120)),
    ),
    shape('42 Intra client secret', 'saas', 'FT_CLIENT_SECRET', p('s-s4t2', 'ud-', from(HEX, 64))),
    shape('42 Intra user token', 'saas', 'FT_ACCESS_TOKEN', p('u-s4t2', 'af-', from(HEX, 64))),
    shape('Apify', 'saas', 'APIFY_TOKEN', p('apify', '_api_', mixed(ALNUM, 36))),
    shape('Atlassian admin token', 'vcs', 'ATLASSIAN_ADMIN_TOKEN', p('ATC', 'TT3xFfG', mixed(URLSAFE, 180))),
    shape('Bitbucket Data Center', 'vcs', 'BITBUCKET_TOKEN', p('BB', 'DC-', mixed(ALNUM, 44))),
    shape('Bannerbear', 'saas', 'BANNERBEAR_API_KEY', p('bb', '_ma_', from(HEX, 30))),
    shape('Cloudflare global key (new)', 'cloud', 'CLOUDFLARE_API_KEY', p('cf', 'k_', mixed(ALNUM, 40))),
    shape('Docker Hub organization token', 'registry', 'DOCKER_OAT', p('dckr', '_oat_', mixed(URLSAFE, 32))),
    shape('Doppler audit token', 'cloud', 'DOPPLER_TOKEN', p('dp', '.audit.', mixed(ALNUM, 40))),
    shape('Figma personal token', 'saas', 'FIGMA_TOKEN', p('fi', 'gp_', mixed(URLSAFE, 40))),
    shape('Fleetbase', 'saas', 'FLEETBASE_KEY', p('flb', '_live_', mixed(ALNUM, 20))),
    shape('Flexport', 'saas', 'FLEXPORT_TOKEN', p('shl', 'tm_', mixed(URLSAFE, 40))),
    shape('Resend', 'mail', 'RESEND_API_KEY', p('re', '_', from(ALNUM, 8), '_', mixed(ALNUM, 24))),
    shape(
      'Firebase Cloud Messaging server key',
      'cloud',
      'FCM_SERVER_KEY',
      p('AAAA', from(ALNUM, 7), ':APA91b', mixed(URLSAFE, 134)),
    ),
    shape('LaunchDarkly SDK key', 'saas', 'LAUNCHDARKLY_SDK_KEY', p('sd', 'k-', uuid())),
    shape('Fly.io macaroon', 'cloud', 'FLY_API_TOKEN', p('FlyV1 fm', '1234567_', mixed(BASE64, 120))),
    shape('FullStory', 'saas', 'FULLSTORY_API_KEY', p('na', '1.', mixed(BASE64, 100))),
    shape('HubSpot private app', 'saas', 'HUBSPOT_TOKEN', p('pat', '-eu1-', uuid())),
    shape('Klaviyo private key', 'mail', 'KLAVIYO_PRIVATE_KEY', p('p', 'k_', from(HEX, 34))),
    shape('New Relic query key', 'cloud', 'NEW_RELIC_QUERY_KEY', p('NR', 'IQ-', mixed(ALNUM, 32))),
    shape('Nightfall', 'saas', 'NIGHTFALL_API_KEY', p('N', 'F-', mixed(ALNUM, 32))),
    shape('NVIDIA', 'ai', 'NVIDIA_API_KEY', p('nv', 'api-', mixed(URLSAFE, 64))),
    shape('Pagar.me', 'payment', 'PAGARME_API_KEY', p('ak', '_live_', mixed(ALNUM, 30))),
    shape('Ramp', 'payment', 'RAMP_CLIENT_SECRET', p('ramp', '_sec_', mixed(ALNUM, 48))),
    shape('Robinhood Crypto', 'payment', 'ROBINHOOD_API_KEY', p('rh', '-api-', uuid())),
    shape('Rootly', 'saas', 'ROOTLY_API_TOKEN', p('roo', 'tly_', from(HEX, 64))),
    shape('SaladCloud', 'cloud', 'SALAD_API_KEY', p('salad', '_cloud_', mixed(ALNUM, 40))),
    shape('Salesforce refresh token', 'saas', 'SF_REFRESH_TOKEN', p('5AEP', '861', mixed(ALNUM, 80))),
    shape('SonarQube / SonarCloud', 'vcs', 'SONAR_TOKEN', p('sq', 'u_', from(HEX, 40))),
    shape('Sourcegraph Cody', 'ai', 'SRC_ACCESS_TOKEN', p('sl', 'k_', from(HEX, 64))),
    shape('Ubidots', 'saas', 'UBIDOTS_TOKEN', p('BB', 'FF-', mixed(ALNUM, 30))),
    shape('Voiceflow', 'ai', 'VOICEFLOW_API_KEY', p('VF', '.DM.', from(HEX, 24), '.', mixed(ALNUM, 16))),
    shape('Zoho', 'saas', 'ZOHO_REFRESH_TOKEN', p('10', '00.', from(HEX, 32), '.', from(HEX, 32))),
    shape(
      'Mailgun (letters and digits)',
      'mail',
      'MAILGUN_API_KEY',
      p('ke', 'y-', mixed(LOWER_ALNUM, 32).toLowerCase()),
    ),
    shape('SettleMint', 'cloud', 'SETTLEMINT_TOKEN', p('sm', '_pat_', mixed(ALNUM, 16))),
    shape(
      'Defined Networking',
      'cloud',
      'DN_API_KEY',
      p('dn', 'key-', mixed(LOWER_ALNUM, 26), '-', mixed(LOWER_ALNUM, 52)),
    ),
  ];
}

/**
 * Pieces of a secret that must not survive: every 10-character window of its second half
 * (the random part; a prefix such as `sk_live_` is no secret).
 */
export function fragments(secret: string): string[] {
  const out: string[] = [];
  for (let i = Math.floor(secret.length / 2); i + 10 <= secret.length; i += 3)
    out.push(secret.slice(i, i + 10));
  return out.length > 0 ? out : [secret];
}

export function leaked(output: string, secret: string): string | undefined {
  if (output.includes(secret)) return secret;
  return fragments(secret).find((piece) => output.includes(piece));
}

/** The places an app leaks a credential: a log line, JSON, a URL, a config dump, a CLI, headers. */
export function plantings(c: VendorCase): string[] {
  const name = c.env;
  const lower = name.toLowerCase();
  const camel = lower.replace(/_([a-z\d])/g, (_, ch: string) => ch.toUpperCase());
  const keyed = [
    `${name}=${c.secret}`,
    `export ${name}="${c.secret}"`,
    `config: {"${camel}":"${c.secret}","region":"eu-west-1"}`,
    `{\\"${lower}\\":\\"${c.secret}\\"}`,
    `login failed: ${lower}=${c.secret}`,
    `deploy --${lower.replace(/_/g, '-')}=${c.secret}`,
    `deploy --${lower.replace(/_/g, '-')} ${c.secret} --verbose`,
    `GET https://api.example.com/v1/items?page=2&${lower}=${c.secret}#top`,
    `${lower}: '${c.secret}'`,
    `https://app.example.com/search?q=${encodeURIComponent(`${lower}: '${c.secret}'`)}`,
  ];
  if (c.found === 'key') return keyed;
  return [
    ...keyed,
    `request failed with ${c.secret} (401)`,
    `Error: invalid credential "${c.secret}"`,
    `{"value":"${c.secret}","note":"rotate"}`,
    `https://ci.example.com/run?x=${encodeURIComponent(c.secret)}&ok=1`,
    `Authorization: Bearer ${c.secret}`,
    `[${c.secret}]`,
    // After an escaped line break or tab, as JSON and util.inspect write a command's output.
    JSON.stringify({ stdout: `github.com\n${c.secret}\n` }),
    `{ stdout: 'done\\r\\n${c.secret}', status: 1 }`,
    JSON.stringify({ row: `id\t${c.secret}` }),
  ];
}

/** A secret with no shape of its own, written where apps write it. */
export interface LeakCase {
  /** Where it leaks: prose, a config file, a URL, a command line, a client's error, a request body. */
  place: string;
  text: string;
  /** What must not arrive. */
  secret: string;
}

/** `digits` with its Luhn check digit appended. */
function withLuhn(digits: string): string {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const digit = +digits[digits.length - 1 - i]!;
    sum += i % 2 ? digit : digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
  }
  return digits + ((10 - (sum % 10)) % 10);
}

/** A German IBAN (ISO 13616 check digits) for an 18-digit bank code and account. */
function germanIban(bban: string): string {
  let rest = 0;
  for (const char of `${bban}131400`) rest = (rest * 10 + +char) % 97;
  return `DE${String(98 - rest).padStart(2, '0')}${bban}`;
}

/**
 * Passwords, tokens, card numbers and IBANs in the places apps leak them beyond `key=value`:
 * prose, YAML and INI files, URLs whose password holds `#`, `/` or `?`, command lines, argument
 * lists, database drivers' errors, HTTP clients' errors, `Set-Cookie`, GraphQL, form bodies.
 */
export function leakCases(seed = 1): LeakCase[] {
  const random = seeded(seed + 7919);
  const from = (alphabet: string, length: number): string => {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(random() * alphabet.length)];
    return out;
  };
  const pw = () => `${from(LOWER, 6)}${from(DIGITS, 2)}-${from(UPPER, 1)}${from(LOWER, 5)}`;
  const tok = () => `${from(ALNUM, 21)}a7Q`;
  const cases: LeakCase[] = [];
  const add = (place: string, secret: string, text: string) => cases.push({ place, secret, text });
  let s: string;
  // Prose without a separator.
  s = pw();
  add('prose', s, `login failed: password is ${s}`);
  s = pw();
  add('prose', s, `the password was ${s}!`);
  s = pw();
  add('prose', s, `pwd ${s}`);
  s = pw();
  add('prose', s, `retry with passphrase ${s} failed`);
  s = pw();
  add('prose', s, `password for user bob is ${s}`);
  s = pw();
  add('prose', s, `the password for admin was ${s}, rotate it`);
  // Config files: YAML values on the next line and block scalars, .env and INI lines.
  s = pw();
  add('YAML', s, `db:\n  password:\n    ${s}\n  host: db`);
  s = pw();
  add('YAML', s, `secret: |\n  first line\n  ${s}\nname: app`);
  s = tok();
  add('YAML', s, `auth:\n  api_key: >-\n    ${s}\n  region: eu`);
  s = pw();
  add('.env', s, `NODE_ENV=production\nDB_PASSWORD=${s}\nPORT=3000`);
  s = pw();
  add('INI', s, `[database]\nhost = db\npassword = ${s}\n`);
  s = tok();
  add('YAML', s, `apiVersion: v1\nkind: Secret\ndata:\n  token: ${s}`);
  // URL passwords with characters that end a URL part elsewhere.
  s = `${from(ALNUM, 4)}#${from(ALNUM, 5)}/${from(ALNUM, 5)}`;
  add('URL', s, `connect failed: postgres://app:${s}@db:5432/shop`);
  s = `${from(ALNUM, 6)}/${from(ALNUM, 8)}`;
  add('URL', s, `GET https://u:${s}@host.example.com/x`);
  s = `${from(ALNUM, 6)}?${from(ALNUM, 8)}`;
  add('URL', s, `mysql://root:${s}@db/app`);
  s = pw();
  add('URL', s, `smtps://mailer%40example.com:${s}@smtp.example.com:465`);
  // URL values holding an escaped space, tab or `&` (a passphrase, a generated secret), also in
  // a URL that is itself a parameter, and a URL password with an escaped space.
  s = `${from(LOWER, 6)}${from(DIGITS, 2)} ${from(UPPER, 1)}${from(LOWER, 7)}${from(DIGITS, 2)}`;
  add('URL', s, `GET https://api.example.com/login?user=ada&password=${encodeURIComponent(s)}&next=%2F`);
  s = `${from(ALNUM, 8)}&${from(ALNUM, 10)}`;
  add('URL', s, `callback failed: https://app.example.com/cb?client_secret=${encodeURIComponent(s)}`);
  s = `${from(ALNUM, 8)}\t${from(ALNUM, 10)}`;
  add('URL', s, `https://app.example.com/x?token=${encodeURIComponent(s)}`);
  s = `${pw()} ${pw()}`;
  add(
    'URL',
    s,
    `https://app.example.com/login?next=${encodeURIComponent(`/cb?password=${encodeURIComponent(s)}`)}`,
  );
  s = `${from(ALNUM, 7)} ${from(ALNUM, 10)}`;
  add('URL', s, `db down: postgres://app:${encodeURIComponent(s)}@db.internal/shop`);
  // Command lines and argument lists (`process.argv`).
  s = pw();
  add('command line', s, `mysql -h db -u root -p ${s} shop`);
  s = pw();
  add('command line', s, `mysql --password ${s} -h db`);
  s = pw();
  add('command line', s, `PGPASSWORD=${s} psql -h db -U app`);
  s = pw();
  add('command line', s, `sshpass -p ${s} ssh deploy@backup`);
  s = pw();
  add('command line', s, `sshpass -p${s} scp backup.tgz host:/srv`);
  s = pw();
  add('command line', s, `redis-cli -h cache -a ${s} ping`);
  s = pw();
  add('command line', s, `docker run -e POSTGRES_PASSWORD=${s} postgres:16`);
  s = pw();
  add('command line', s, `docker login -u ci -p ${s} registry.example.com`);
  s = pw();
  add('command line', s, `kubectl create secret generic db --from-literal=password=${s}`);
  s = pw();
  add('command line', s, `openssl pkcs12 -in cert.p12 -passin pass:${s} -nodes`);
  s = pw();
  add('command line', s, `htpasswd -b /etc/nginx/.htpasswd admin ${s}`);
  s = pw();
  add('command line', s, `docker run --rm --entrypoint htpasswd httpd:2 -Bbn ci ${s} > auth/htpasswd`);
  s = `${from(ALNUM, 13)}/${from(ALNUM, 7)}/${from(ALNUM, 18)}`;
  add('command line', s, `aws configure set aws_secret_access_key ${s} --profile prod`);
  s = `${from(HEX, 8)}-${from(HEX, 4)}-${from(HEX, 4)}-${from(HEX, 4)}-${from(HEX, 12)}`;
  add('command line', s, `npm config set //registry.npmjs.org/:_authToken ${s}`);
  s = pw();
  add('command line', s, `git config --global user.password ${s}`);
  s = tok();
  add('command line', s, `git config --global http.extraheader "AUTHORIZATION: basic ${s}"`);
  s = pw();
  add('.netrc', s, `machine api.example.com\n  login deploy\n  password ${s}`);
  // XML configuration and SOAP bodies; SQL that sets a password (in a driver's error).
  s = pw();
  add('XML', s, `<soap:Body><Login><user>ada</user><password>${s}</password></Login></soap:Body>`);
  s = pw();
  add(
    'XML',
    s,
    `<wsse:UsernameToken><wsse:Username>ada</wsse:Username><wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText">${s}</wsse:Password></wsse:UsernameToken>`,
  );
  s = pw();
  add('.NET config', s, `<appSettings>\n  <add key="ApiKey" value="${s}" />\n</appSettings>`);
  s = pw();
  add('.NET config', s, `<add name="Db" connectionString="Server=db;User Id=sa;Password=${s};"/>`);
  s = pw();
  add('Kubernetes env', s, `env:\n  - name: DB_PASSWORD\n    value: ${s}\n  - name: PORT\n    value: "8080"`);
  s = pw();
  add('SQL', s, `error: syntax error at or near "WITH" in ALTER USER app WITH PASSWORD '${s}'`);
  s = pw();
  add('SQL', s, `ER_PARSE_ERROR near: SET PASSWORD FOR 'bob'@'%' = '${s}'`);
  s = pw();
  add('SQL', s, `SET PASSWORD FOR app@localhost = PASSWORD('${s}')`);
  s = pw();
  add('SQL', s, `ORA-01935: CREATE USER app IDENTIFIED BY ${s}`);
  s = pw();
  add('argv', s, `[ '/usr/bin/node', '/app/server.js', '--db-password', '${s}' ]`);
  s = tok();
  add('argv', s, `["node","server.js","--api-token","${s}","--port","3000"]`);
  // Card numbers with dots, IBANs in lower case.
  s = withLuhn(`4${from(DIGITS, 14)}`).replace(/(\d{4})(?=\d)/g, '$1.');
  add('card', s, `card ${s} declined`);
  s = germanIban(from(DIGITS, 18))
    .toLowerCase()
    .replace(/(.{4})(?=.)/g, '$1 ');
  add('IBAN', s, `refund to ${s} queued`);
  s = germanIban(from(DIGITS, 18)).toLowerCase();
  add('IBAN', s, `iban=${s.slice(0, 2)} ${s}`);
  // Database drivers' errors carry the connection string.
  s = pw();
  add(
    'driver error',
    s,
    `Error: connect ECONNREFUSED\n    at TCPConnectWrap.afterConnect (node:net:1555:16) {\n  connectionString: 'postgresql://app:${s}@pg:5432/shop'\n}`,
  );
  s = pw();
  add(
    'driver error',
    s,
    `MongoServerSelectionError: connection to mongodb://admin:${s}@mongo:27017/?authSource=admin closed`,
  );
  s = pw();
  add('connection string', s, `Server=db;Database=shop;User Id=sa;Password=${s};TrustServerCertificate=true`);
  s = pw();
  add('connection string', s, `jdbc:sqlserver://db:1433;databaseName=shop;user=sa;password=${s}`);
  // A password of several words: the value runs to the `;`, or to the end after earlier pairs.
  s = pw();
  add('connection string', s, `Data Source=db;User ID=sa;Pwd=horse ${s} staple;Encrypt=true`);
  s = pw();
  add('connection string', s, `Host=db;Username=app;Password=battery ${s}`);
  // An ORM's log line: a statement on a sensitive column and its bound values.
  s = tok();
  add('ORM log', s, `query: UPDATE "user" SET "apiKey" = $1 WHERE "id" = $2 -- PARAMETERS: ["${s}",5]`);
  s = tok();
  add(
    'ORM log',
    s,
    `{ method: 'update', sql: 'update "users" set "reset_token" = ?', bindings: [ '${s}' ] }`,
  );
  // A statement quoted with its values (a driver's error, a query log): the values of sensitive
  // columns, matched to the column list by position; a number bound to a one-time code's column.
  s = tok();
  add(
    'database error',
    s,
    `ER_DATA_TOO_LONG: INSERT INTO users (email, api_token, plan) VALUES ('ada@example.org', '${s}', 'pro')`,
  );
  s = tok();
  add('SQL statement', s, `INSERT INTO \`sessions\` (\`user_id\`, \`token\`) VALUES (7, 'x'), (42, '${s}')`);
  s = from(DIGITS, 6);
  add(
    'ORM log',
    s,
    `query: INSERT INTO "user"("name", "otp", "age") VALUES ($1, $2, $3) -- PARAMETERS: ["ada",${s},42]`,
  );
  s = from(DIGITS, 6);
  add(
    'ORM log',
    s,
    `{ method: 'insert', sql: 'insert into "users" ("id", "pin") values (?, ?)', bindings: [ 7, ${s} ] }`,
  );
  // Mongoose's validation and cast errors quote the rejected value (validation runs before a
  // save hook hashes a password).
  s = pw();
  add(
    'library error',
    s,
    `User validation failed: password: Path \`password\` (\`${s}\`) is shorter than the minimum allowed length (16).`,
  );
  s = pw();
  add(
    'library error',
    s,
    `User validation failed: passwordConfirm: Validator failed for path \`passwordConfirm\` with value \`${s}\``,
  );
  s = from(DIGITS, 6);
  add('library error', s, `User validation failed: pin: Path \`pin\` is invalid (${s}).`);
  s = tok();
  add(
    'library error',
    s,
    `Cast to Number failed for value "${s}" (type string) at path "otp" for model "User"`,
  );
  // One-time and recovery codes in log lines and messages.
  s = from(DIGITS, 6);
  add('log line', s, `Your login code is ${s}`);
  s = from(DIGITS, 6);
  add('log line', s, `2FA code for user 42: ${s}`);
  s = from(DIGITS, 6);
  add('log line', s, `Sending OTP ${s} to user 42`);
  s = from(DIGITS, 6);
  add('log line', s, `Your email code is ${s}`);
  s = from(DIGITS, 6);
  add('request body', s, `{"email":"ada@example.org","verificationCode":"${s}"}`);
  s = from(DIGITS, 8);
  add('request body', s, `sms_code=${s}&remember=1`);
  s = tok();
  add('log line', s, `Your recovery codes: ${s} ${tok()}`);
  // A token after a short id in a path (Django's password reset link); a JSON Web Key as JSON text.
  s = `c8r4gq-${from(HEX, 32)}`;
  add('URL path', s, `GET /accounts/reset/MTIz/${s}/ 302`);
  s = `${from(ALNUM, 40)}a7Q`;
  add('config', s, `{"kty":"oct","k":"${s}","alg":"HS256"}`);
  // Where pages hold secrets: a Stripe client secret logged, a web3 RPC key in a request URL, a
  // key in the URL's fragment, a verification link's parameter.
  s = `pi_${from(ALNUM, 24)}_secret_${from(ALNUM, 25)}`;
  add('page', s, `IntegrationError: You specified: ${s}`);
  s = `${from(ALNUM, 29)}a7Q`;
  add('page', s, `POST https://eth-mainnet.g.alchemy.com/v2/${s} failed with 503`);
  s = `${from(ALNUM, 19)}a7Q`;
  add('page', s, `https://excalidraw.com/#json=5645858175451136,${s}`);
  s = tok();
  add('page', s, `GET https://app.example.com/welcome?verification=${s}&lang=en`);
  // SMTP's AUTH exchange in a mail library's error; a header value undici quotes.
  s = (globalThis as unknown as { btoa(text: string): string }).btoa(`\0mailer@example.com\0${pw()}`);
  add('library error', s, `Invalid login: 535 5.7.8 Authentication failed\nC: AUTH PLAIN ${s}\nS: 535`);
  s = tok();
  add('library error', s, `TypeError: Headers.append: "${s}\nx" is an invalid header value.`);
  // A credential named by a bare word in prose.
  s = tok();
  add('prose', s, `401 Unauthorized for key ${s}`);
  s = tok();
  add('prose', s, `session ${s} not found`);
  s = tok();
  add('prose', s, `new API key created: ${s}`);
  // A unique-key violation quoting the duplicate token (MySQL, Postgres).
  s = tok();
  add('database error', s, `ER_DUP_ENTRY: Duplicate entry '${s}' for key 'users.api_token'`);
  s = tok();
  add(
    'database error',
    s,
    `duplicate key value violates unique constraint "users_reset_token_key": Key (reset_token)=(${s}) already exists.`,
  );
  // A password named in another language.
  s = pw();
  add('prose', s, `login failed with contraseña=${s}`);
  s = pw();
  add('prose', s, `ошибка входа, пароль: ${s}`);
  s = pw();
  add('config', s, `{"utilisateur":"ada","mot_de_passe":"${s}"}`);
  // Commands given a password on their standard input, or as a word.
  s = pw();
  add('command line', s, `echo "${s}" | docker login -u ci --password-stdin registry.example.com`);
  s = pw();
  add('command line', s, `echo ${s} | sudo -S systemctl restart app`);
  s = pw();
  add('command line', s, `mc alias set minio http://minio:9000 minioadmin ${s}`);
  s = tok();
  add('command line', s, `vault login ${s} && vault kv get secret/app`);
  // Source lines sent as context: a literal given to a call that takes a secret there.
  s = tok();
  add(
    'source line',
    s,
    `const token = jwt.sign({ sub: user.id, role: 'admin' }, "${s}", { expiresIn: '1h' });`,
  );
  s = pw();
  add('source line', s, `const mac = crypto.createHmac('sha256', '${s}').update(body).digest('hex');`);
  s = pw();
  add(
    'source line',
    s,
    `const db = new Sequelize('shop', 'root', '${s}', { host: 'db', dialect: 'mysql' });`,
  );
  s = pw();
  add('source line', s, `  await redis.auth('${s}');`);
  // URL parameters: OAuth 1 and PKCE verifiers, SAML responses, SSO payloads, magic links, signed hashes.
  s = tok();
  add('URL', s, `GET https://app.example.com/oauth/callback?oauth_verifier=${s}&country_code=US`);
  s = tok();
  add('URL', s, `POST /saml/acs?SAMLResponse=${s}&RelayState=%2F`);
  s = tok();
  add('form body', s, `SAMLResponse=${s}&RelayState=%2Fdashboard`);
  s = tok();
  add('URL', s, `GET /login?sso=${s}&sig=ab12`);
  s = from(HEX, 40);
  add('URL', s, `GET /verify-email?id=7&hash=${s}`);
  // Tokens in a path under a login, session, callback or webhook segment.
  s = tok();
  add('URL', s, `POST https://chat.example.com/api/webhooks/${s}`);
  s = tok();
  add('URL', s, `GET https://app.example.com/login/${s}?next=%2F`);
  // Custom credential headers named `X-…-Key`, and signature headers.
  s = tok();
  add('headers', s, `{"headers":{"x-key":"${s}","x-cache-key":"home"}}`);
  s = tok();
  add('headers', s, `x-shopify-hmac-sha256: ${s}`);
  s = tok();
  add('headers', s, `{"x-vercel-protection-bypass":"${s}"}`);
  // A password of several words after `password:`; a wallet's recovery phrase.
  s = pw();
  add('prose', s, `login failed: password: correct ${s} battery staple`);
  s = Array.from({ length: 12 }, () => from(LOWER, 3 + Math.floor(random() * 5))).join(' ');
  add('prose', s, `wallet import failed, mnemonic: ${s}`);
  // SQL password literals, whatever they hold.
  s = pw();
  add('SQL', s, `ALTER USER app WITH PASSWORD 'two ${s}'`);
  s = pw();
  add('SQL', s, `CREATE USER 'bob'@'%' IDENTIFIED WITH caching_sha2_password BY '${s}'`);
  // Private keys in base64 (a whole PEM file, a DER body) and password hashes.
  s = from(BASE64, 64);
  add('config', s, `loaded key material LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0t${s}`);
  // A JWT encoded in base64 once more (a Kubernetes Secret's data) under a name that says nothing.
  s = from(BASE64, 80);
  add('config', s, `data:\n  session.json: ZXlKaGJHY2lPaUpJVXpJMU5pSjkuZXlKemRXSWlPaUl4TWpNaWZR${s}`);
  // Java's XML properties: the value is the element's text, its name an attribute.
  s = pw();
  add(
    'config',
    s,
    `<properties>\n  <entry key="db.user">app</entry>\n  <entry key="db.password">${s}</entry>\n</properties>`,
  );
  s = from(BASE64, 64);
  add('config', s, `key=MIIEvQIBADANBgkqhkiG9w0BAQEFAASC${s}`);
  s = from(`${ALNUM}./`, 53);
  add('config', s, `{ email: '[email]', hash: '$2b$10$${s}' }`);
  // crypt(3) hashes as /etc/shadow and .htpasswd hold them, and Django's.
  s = from(`${ALNUM}./`, 86);
  add('config', s, `root:$6$rounds=5000$Xq9Lm2Kd$${s}:19000:0:99999:7:::`);
  s = from(`${ALNUM}./`, 22);
  add('config', s, `admin:$apr1$9Ki3Nl2x$${s}`);
  s = from(BASE64, 44);
  add('config', s, `{"password": "pbkdf2_sha256$600000$6ZnlD9Lq$${s}"}`);
  s = pw();
  add(
    'connection string',
    s,
    `Host=db;Username=app;Password=battery ${s}\nat Connection.connect (pg.js:10:5)`,
  );
  // A password of several words after `Password=` in a message: the rest of its line.
  s = pw();
  add('prose', s, `login failed for Password=Tr0ub4dor ${s}\n    at login (/app/auth.js:4:11)`);
  // Okta's API scheme written out (a client's debug line): the token has no shape of its own.
  s = `00${from(URLSAFE, 37)}a7Q`;
  add('HTTP client error', s, `GET /api/v1/users failed: 401 (Authorization: SSWS ${s})`);
  s = `00${from(URLSAFE, 37)}a7Q`;
  add('prose', s, `okta request rejected, token SSWS ${s} expired`);
  // Algolia's admin key as a source line shows it: 32 hex digits beside the application id.
  s = from(HEX, 32);
  add('source line', s, `const client = algoliasearch('${from(UPPER_ALNUM, 10)}', '${s}');`);
  // A password of letters only, capitals inside, after the word.
  s = `${from(UPPER, 1)}${from(LOWER, 3)}${from(UPPER, 2)}${from(LOWER, 4)}`;
  add('prose', s, `machine api.example.com login deploy password ${s}`);
  // A source line sent as context, a Twilio client made with literals: the auth token has no
  // shape of its own, only the account SID beside it.
  s = from(HEX, 32);
  add('source line', s, `const sms = twilio('AC${from(HEX, 32)}', '${s}');`);
  // HTTP clients' errors and responses.
  s = tok();
  add(
    'HTTP client error',
    s,
    `{"message":"Request failed with status code 401","config":{"url":"https://api.example.com/v1","headers":{"Accept":"application/json","Authorization":"Bearer ${s}"}}}`,
  );
  s = tok();
  add(
    'HTTP client error',
    s,
    `config: {\n    headers: Object [AxiosHeaders] {\n      Accept: 'application/json',\n      Authorization: 'Token ${s}'\n    }\n  }`,
  );
  s = tok();
  add('HTTP client error', s, `curl -H 'Authorization: Token ${s}' https://api.example.com/v1`);
  s = tok();
  add('response header', s, `set-cookie: session_id=${s}; Path=/; HttpOnly; Secure`);
  s = tok();
  add('response header', s, `{"set-cookie":["sid=${s}; Path=/; HttpOnly","theme=dark; Path=/"]}`);
  // Request bodies: GraphQL, nested credentials, forms.
  s = pw();
  add(
    'GraphQL',
    s,
    `{"query":"mutation Login($password: String!) { login(password: $password) { token } }","variables":{"user":"ada","password":"${s}"}}`,
  );
  s = pw();
  add('GraphQL', s, `mutation { login(username: "ada", password: "${s}") { token } }`);
  s = tok();
  add('JSON body', s, `{"provider":"smtp","credentials":{"user":"mailer","value":"${s}"},"retries":3}`);
  s = tok();
  add('form body', s, `grant_type=client_credentials&client_id=app&client_secret=${s}`);
  s = pw();
  add('form body', s, `user=ada&passwd=${s}&remember=1`);
  // Passwords of digits only after a tool's own password flag; more tools with one; commands
  // that store secrets (every value they are given is one, whatever its key).
  s = from(DIGITS, 8);
  add('command line', s, `mysql -h db -u root -p ${s} shop`);
  s = from(DIGITS, 8);
  add('command line', s, `sshpass -p ${s} ssh deploy@backup`);
  s = from(DIGITS, 6);
  add('command line', s, `docker login -u bob -p ${s} registry.example.com`);
  s = from(DIGITS, 6);
  add('command line', s, `htpasswd -b /etc/nginx/.htpasswd admin ${s}`);
  s = pw();
  add('command line', s, `redis-cli -h cache -p 6379 -a ${s} ping`);
  s = `${from(LOWER, 6)} ${from(LOWER, 6)}`;
  add('command line', s, `sshpass -p "${s}" ssh deploy@backup`);
  s = pw();
  add('command line', s, `mysqldump -u root -p'${s}' shop > /backup/shop.sql`);
  s = pw();
  add('command line', s, `mongodump --uri mongodb://db:27017 -u backup -p ${s} --out /backup`);
  s = pw();
  add('command line', s, `az login --service-principal -u app -p ${s} --tenant contoso`);
  s = pw();
  add('command line', s, `ldapsearch -x -D cn=admin,dc=example,dc=org -w ${s} -b dc=example,dc=org`);
  s = pw();
  add('command line', s, `sqlcmd -S db -U sa -P ${s} -Q "SELECT 1"`);
  s = pw();
  add('command line', s, `keytool -importkeystore -srckeystore app.p12 -srcstorepass ${s}`);
  s = from(LOWER, 12);
  add('secret command', s, `dotnet user-secrets set "Smtp:Password" ${s}`);
  s = pw();
  add('secret command', s, `dotnet user-secrets set --project src/Shop Smtp:Login "${s}"`);
  s = from(LOWER, 12);
  add('secret command', s, `gh secret set SMTP_LOGIN --body ${s} --repo acme/shop`);
  s = tok();
  add('secret command', s, `gh secret set DEPLOY -b ${s}`);
  s = from(LOWER, 12);
  add('secret command', s, `fly secrets set SMTP_LOGIN=${s} REGION=ams`);
  s = from(LOWER, 12);
  add('secret command', s, `heroku config:set MAILER=${s} -a shop`);
  s = from(LOWER, 12);
  add('secret command', s, `kubectl create secret generic smtp --from-literal=login=${s}`);
  s = from(LOWER, 12);
  add('secret command', s, `az keyvault secret set --vault-name kv --name smtp --value ${s}`);
  // URL passwords with an `@`: percent-encoded, as drivers ask for it, and as typed.
  s = pw();
  add('URL', s, `connect failed: postgres://app:${from(ALNUM, 4)}%40${s}@db:5432/shop`);
  s = pw();
  add('URL', s, `redis://default:${from(ALNUM, 4)}@${s}@cache:6379/0 unreachable`);
  // A multipart form body: the field's value after its headers' blank line.
  s = pw();
  add(
    'multipart body',
    s,
    `--b0undary\r\nContent-Disposition: form-data; name="user"\r\n\r\nada\r\n--b0undary\r\nContent-Disposition: form-data; name="password"\r\n\r\n${s}\r\n--b0undary--\r\n`,
  );
  // A client's `user:password` of digits (not uid:gid), quoted to its closing quote; Samba's
  // `user%password`; more tools with a password flag or argument of their own.
  s = from(DIGITS, 6);
  add('command line', s, `curl -sS -u admin:${s} https://api.example.com/v1/health`);
  s = from(DIGITS, 8);
  add('command line', s, `curl -u 1001:${s} https://nexus.example.com/service/rest`);
  s = `${from(LOWER, 5)} ${pw()}`;
  add('command line', s, `curl --user "deploy:${s}" https://api.example.com`);
  s = pw();
  add('command line', s, `http -a admin:${s} POST https://api.example.com/jobs`);
  s = pw();
  add('command line', s, `smbclient //files/backup -U backup%${s} -c 'put db.sql'`);
  s = pw();
  add('command line', s, `7z a -p${s} -mhe=on /backup/db.7z /backup/db.sql`);
  s = `${from(LOWER, 5)} ${from(LOWER, 6)}`;
  add('command line', s, `7z x -p"${s}" -o/restore db.7z`);
  s = pw();
  add('command line', s, `zip -r -P ${s} /backup/site.zip /srv/site`);
  s = from(LOWER, 10);
  add('command line', s, `unzip -o -P ${s} /backup/site.zip -d /srv`);
  s = pw();
  add('command line', s, `ssh-keygen -t ed25519 -N ${s} -f /root/.ssh/deploy`);
  s = pw();
  add('command line', s, `rabbitmqctl add_user worker ${s}`);
  s = from(LOWER, 10);
  add('command line', s, `rabbitmqctl change_password worker ${s}`);
  s = pw();
  add('command line', s, `openssl enc -aes-256-cbc -salt -k ${s} -in db.sql -out db.sql.enc`);
  s = pw();
  add('command line', s, `gpg --batch --passphrase ${s} -d backup.tar.gpg`);
  s = from(LOWER, 10);
  add('command line', s, `mysqladmin -u root password ${s}`);
  s = pw();
  add('command line', s, `sqlplus -s app/${s}@//db.example.com:1521/ORCL @migrate.sql`);
  s = pw();
  add('command line', s, `net use \\\\fileserver\\backup ${s} /user:CORP\\svc-backup`);
  s = from(LOWER, 10);
  add('command line', s, `mysqladmin password ${s}`);
  s = pw();
  add('command line', s, `net user svc-backup ${s} /add /y`);
  s = pw();
  add('command line', s, `smbclient //fileserver/backup ${s} -U CORP\\svc-backup -c 'ls'`);
  s = tok();
  add('command line', s, `curl https://api.example.com/v1/charges -u ${s}: -d amount=2000`);
  // Node's raw header list written to a log (console.log(req.rawHeaders)).
  s = tok();
  add(
    'header list',
    s,
    `[\n  'Host',\n  'api.example.com',\n  'X-Api-Key',\n  '${s}',\n  'Accept',\n  '*/*'\n]`,
  );
  s = from(ALNUM, 20);
  add('header list', s, `headers: ["Content-Type","application/json","X-Auth-Token","${s}"]`);
  // A validation library's message that quotes the rejected value; an ORM's query event as
  // apps log it; a Redis client's reply error as console.error prints it; source lines that
  // compare a secret with a literal or fall back to one.
  s = pw();
  add(
    'library error',
    s,
    `ValidationError: "password" with value "${s}" fails to match the required pattern: /^[a-z]+$/`,
  );
  s = pw();
  add('ORM log', s, `prisma:query UPDATE "User" SET "password" = $1 WHERE "id" = $2\nParams: ["${s}",42]`);
  s = pw();
  add(
    'library error',
    s,
    `ReplyError: WRONGPASS invalid username-password pair {\n  command: { name: 'auth', args: [ 'default', '${s}' ] }\n}`,
  );
  s = tok();
  add('source line', s, `  if (req.headers['x-api-key'] !== '${s}') return res.sendStatus(401);`);
  s = tok();
  add('source line', s, `const stripe = new Stripe(process.env.STRIPE_KEY || '${s}');`);
  // Pairs written out: `Object.entries` of a config inspected; a script's environment set by subscript.
  s = pw();
  add('entries', s, `[ [ 'region', 'eu-west-1' ], [ 'apiKey', '${s}' ] ]`);
  s = pw();
  add('source line', s, `ENV["STRIPE_SECRET"] = "${s}"`);
  // Environment variables named for a service's key, holding a value with no shape of its own.
  s = from(LOWER, 12);
  add('environment', s, `{"NODE_ENV":"production","STRIPE_KEY":"${s}","PORT":"8080"}`);
  s = from(ALNUM, 24);
  add('environment', s, `SSH_KEY=${s}\nLOG_LEVEL=info`);
  // The same names as apps write them in code and config: camelCase, snake_case, a logged config object.
  s = from(ALNUM, 24);
  add('config object', s, `loaded config { stripeKey: '${s}', currency: 'eur', cacheKey: 'prices:v2' }`);
  s = from(LOWER + DIGITS, 32);
  add('config object', s, `{"mailgun_key":"${s}","from":"shop@example.com"}`);
  s = from(ALNUM, 40);
  add('config object', s, `firebaseServerKey=${s} retries=3`);
  // Prisma's error dump of a call's arguments: a key/value row named by its `key` (in `where`,
  // `create` and `update` alike), a password in `data`.
  s = tok();
  add(
    'ORM error',
    s,
    `Invalid \`prisma.setting.update()\` invocation:\n\n{\n  where: {\n    key: "reset_token"\n  },\n  data: {\n    value: "${s}"\n  }\n}\n\nRecord to update not found.`,
  );
  s = pw();
  add(
    'ORM error',
    s,
    `Invalid \`prisma.setting.upsert()\` invocation in\n/app/src/settings.ts:14:24\n\n  11 \n→ 14 await prisma.setting.upsert({\n       where: { key: "smtp_password" },\n       create: { key: "smtp_password", value: "${s}" },\n       update: { value: "${s}" }\n     })`,
  );
  s = pw();
  add(
    'ORM error',
    s,
    `Invalid \`prisma.user.update()\` invocation:\n\n{\n  where: {\n    id: 42\n  },\n  data: {\n    password: "${s}",\n    role: "ADMIN"\n  }\n}`,
  );
  s = tok();
  add(
    'ORM error',
    s,
    `Invalid \`prisma.integration.create()\` invocation:\n\n{\n  data: {\n    settings: [\n      {\n        name: "webhook_secret",\n        value: "${s}"\n      }\n    ]\n  }\n}`,
  );
  // Redis commands in a client's error or a breadcrumb: a token as a part of the key.
  s = tok();
  add(
    'Redis command',
    s,
    `ReplyError: OOM command not allowed when used memory > 'maxmemory'. script: SETEX reset:${s} 3600 42`,
  );
  s = tok();
  add('Redis command', s, `Command timed out: SET session:${s} {"uid":42} EX 86400`);
  s = tok();
  add('Redis command', s, `GET apikey:${s}`);
  s = tok();
  add('Redis command', s, `redis DEL shop:pwreset:${s} failed: Connection is closed.`);
  // Tokens after a one-letter path segment: share, invitation, reset and token links.
  s = tok();
  add('URL path', s, `GET https://app.example.com/s/${s} 404`);
  s = tok();
  add('URL path', s, `invitation link https://app.example.com/i/${s} expired`);
  s = tok();
  add('URL path', s, `GET /r/${s}?utm_source=mail 302`);
  s = tok();
  add('URL path', s, `fetch https://files.example.com/t/${s}/report.pdf failed`);
  // Short URL parameters that carry a token.
  s = tok();
  add('URL', s, `GET /download?t=${s}&name=report.pdf 403`);
  s = tok();
  add('URL', s, `GET https://cdn.example.com/v/clip.mp4?k=${s}`);
  s = tok();
  add('URL', s, `redirect to /unsubscribe?s=${s}`);
  s = tok();
  add('URL', s, `GET /confirm?uid=42&tk=${s}`);
  s = tok();
  add('URL', s, `GET /assets/invoice.pdf?sig=${s}&exp=1700000000`);
  // `document.cookie` written to a log: a cookie whose value is a token, whatever its name.
  s = tok();
  add('cookie string', s, `_ga=GA1.2.1234567890.1700000000; myapp=${s}; theme=dark; lang=en-US`);
  s = tok();
  add('cookie string', s, `remember=${s}; theme=dark; consent=1`);
  // A calendar's private feed address, as a sync job logs the URL it fetched.
  s = from(LOWER_ALNUM, 24);
  add('URL path', s, `GET https://calendar.example.com/private/${s}/basic.ics 200`);
  // `console.table` output (Node writes it through `console.log`): a column, then a row, that names the secret.
  s = pw();
  add(
    'console table',
    s,
    [
      '┌─────────┬───────┬──────────────────────┐',
      '│ (index) │ user  │ password             │',
      '├─────────┼───────┼──────────────────────┤',
      `│ 0       │ 'ada' │ '${s}' │`,
      '└─────────┴───────┴──────────────────────┘',
    ].join('\n'),
  );
  s = tok();
  add('console table', s, `│ (index) │ Values │\n│ region  │ 'eu-west-1' │\n│ apiKey  │ '${s}' │`);
  // An auth scheme whose credential is a quoted parameter, and a key named in a library's error.
  s = tok();
  add('headers', s, `Authorization: Hawk id="dh37fgj492je", ts="1353832234", nonce="j4h3g2", mac="${s}"`);
  s = tok();
  add(
    'library error',
    s,
    `Incorrect API key provided: ${s}. You can find your API key in your account settings.`,
  );
  s = tok();
  add('cookie string', s, `preferences read from "theme=dark; ab_bucket=3; uid_v2=s%3A${s}.x7Kp2"`);
  // A failed command: a password after `-p` where `-u` named a user, whatever the tool, in the
  // message and in the argument list written out.
  s = pw();
  add('command line', s, `Error: Command failed: backup-tool -u admin -p ${s} --host db`);
  s = pw();
  add(
    'spawn error',
    s,
    `{ errno: -2, code: 'ENOENT', syscall: 'spawn backup-tool', path: 'backup-tool', spawnargs: [ '-u', 'admin', '-p', '${s}', '--host', 'db' ] }`,
  );
  s = pw();
  add('spawn error', s, `{"code":"ENOENT","path":"sync-tool","spawnargs":["--user","admin","-p","${s}"]}`);
  s = tok();
  add('spawn error', s, `spawnargs: [ '--token=${s}', '--verbose' ]`);
  // Sequelize's statement with its bound values; io-ts's rejected value before the path to it.
  s = pw();
  add(
    'ORM log',
    s,
    `Executing (default): INSERT INTO "users" ("id","email","password") VALUES (DEFAULT,$1,$2) RETURNING "id"; "ada@example.org", "${s}"`,
  );
  s = pw();
  add('library error', s, `Invalid value "${s}" supplied to : LoginRequest/password: string`);
  // express-validator's errors, as a response body logged: the value before the field it is.
  s = pw();
  add(
    'library error',
    s,
    `422 {"errors":[{"type":"field","value":"${s}","msg":"Invalid value","path":"password","location":"body"}]}`,
  );
  // GraphQL's, Node's and databases' errors that quote a rejected or duplicate value, named by
  // what it was for; a Kubernetes Secret's base64; JSON escaped for an HTML attribute; a password
  // in German prose; a value longer than a read; a hash field among a command's words.
  s = pw();
  add(
    'library error',
    s,
    `Variable "$password" got invalid value "${s}"; String must be at least 12 characters.`,
  );
  s = tok();
  add(
    'library error',
    s,
    `TypeError [ERR_HTTP_INVALID_HEADER_VALUE]: Invalid value "${s}\n" for header "X-Api-Key"`,
  );
  s = tok();
  add(
    'database error',
    s,
    `Violation of UNIQUE KEY constraint 'UQ_users_api_key'. Cannot insert duplicate key in object 'dbo.users'. The duplicate key value is (${s}).`,
  );
  s = tok();
  add(
    'database error',
    s,
    `E11000 duplicate key error collection: app.sessions index: _id_ dup key: { _id: "${s}" }`,
  );
  s = pw();
  add('config dump', s, `data:\n  DATABASE_URL: ${btoa(`postgres://app:${s}@db.internal:5432/shop`)}`);
  s = pw();
  add(
    'HTML',
    s,
    `<div data-props="{&quot;user&quot;:&quot;bob&quot;,&quot;password&quot;:&quot;${s}&quot;}">`,
  );
  s = pw();
  add('prose', s, `Ihr neues Passwort lautet: ${s}`);
  s = `${tok()}${from(ALNUM, 1100)}`;
  add(
    'URL',
    s.slice(-40),
    `GET https://bucket.s3.amazonaws.com/k?X-Amz-Security-Token=${s}&X-Amz-Date=20240101`,
  );
  s = tok();
  add('Redis command', s, `{ command: { name: 'hset', args: [ 'user:42', 'apiToken', '${s}' ] } }`);
  return cases;
}

/** The encodings a leak case is planted in: as is, after other text, in JSON, in escaped JSON, percent-encoded in a URL. */
export function leakPlantings(text: string): string[] {
  return [
    text,
    `Error: ${text}`,
    JSON.stringify({ message: text }),
    JSON.stringify(JSON.stringify({ message: text })),
    `https://app.example.com/search?q=${encodeURIComponent(text)}`,
  ];
}

/** Text that holds nothing secret or personal and must come out exactly as it went in. */
export const BENIGN: Record<string, string[]> = {
  'user agents': [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
    'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 OPR/114.0.0.0',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
    'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1.1 Safari/605.1.15',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1.1 Mobile/15E148 Safari/604.1',
    'Mozilla/5.0 (iPad; CPU OS 17_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1',
    'Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36',
    'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    'curl/8.5.0',
    'node-fetch/1.0 (+https://github.com/bitinn/node-fetch)',
    'okhttp/4.12.0',
    'python-requests/2.32.3',
  ],
  versions: [
    '1.2.3',
    'v20.11.1',
    'node v20.20.2 on linux x64',
    '^4.17.21 || ~1.0.0-beta.3+exp.sha.5114f85',
    'installed @faultline/core@0.1.0 and react@18.3.1',
    'npm@10.8.2 with typescript@5.6.3',
    'Windows 10.0.19045 build',
    'v1.2.3.4',
    'Electron/33.2.0 Chrome/130.0.6723.137',
    'TLSv1.3 over HTTP/2.0 (UTF-8)',
    'OpenSSL/3.0.15 zlib/1.3.1',
  ],
  ids: [
    'id 550e8400-e29b-41d4-a716-446655440000',
    'trace 4bf92f3577b34da6a3ce929d0e0e4736 span 00f067aa0ba902b7',
    'commit 9fceb02d0ae598e95dc970b74767f19372d61af8 (a1b2c3d)',
    'merge of 3e7f1c2 into main',
    'event_id=8c1d7e3f2b4a4f6e9d0c1b2a3f4e5d6c',
    'order 1234567812345678 shipped',
    'order #4111111111111112 failed',
    'ISBN 978-3-16-148410-0',
    'digest sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae',
    'request req_8f7a6b5c4d3e2f1a processed',
    'color #ff0000 and 0xdeadbeef',
    'MAC 00:1a:2b:3c:4d:5e',
    'trace ab12cd34ef56ab78cd90ef12ab34cd56',
    'cache key user:12345:Address_line_one_of_customer',
    'build 4111.1111.1111.1112',
    'release 2024.0115.1230.0001',
    // Words that start like a vendor prefix.
    'suite sqa_regression_nightly_2024_v2 passed',
    'constraint pk_orders_customer_2024 violated',
    'setting slk_notifications_channel_v2 missing',
    'fixture secret_santa_draw_2024 loaded',
    'read ATATTGCCATCTTAGGCTAGCATTGCCA aligned',
    // Identifiers that start like short vendor prefixes.
    'napi_create_string_utf16 failed: napi_pending_exception',
    'rnd_seed_2024_experiment_v2 set; ops_dashboard_v2_metrics_2024 loaded',
    'aio_pika_connection_pool_v2 closed; phx_channel_topic_room_42abc left',
    'icon ico-chevron-down-16px-Large missing from sl.Header2024MainNavigation',
    'rule sk-SE-2024-region-north-east, dapi20241201backupRestore, y0_initial_offset_value_2024',
    'rdme_section_header_2024_v2, pnu_batch_2024_12_07_run, tfp_layers_DenseVariational2, sgp_region_ap_southeast_1a',
    'index na1.logs.archive.2024 rolled over',
  ],
  times: [
    'at 2024-01-15T12:30:45.123Z and 2024-01-15 12:30:45',
    'Sat, 05 Dec 2026 07:41:08 GMT',
    '2024-06-30T23:59:59+02:00',
    'took 1500 ms (p99 12:30:45.001)',
    'timestamp 1700000000000',
    'next run 12/31/2024 at 09:00',
  ],
  'stack frames': [
    'at Object.<anonymous> (/home/app/src/index.js:10:5)',
    'at getToken (/app/src/auth/token.js:42:17)',
    'at SessionStore.load (/app/node_modules/express-session/session/store.js:87:9)',
    'at async Promise.all (index 0)',
    'at login (webpack-internal:///./src/password-reset.tsx:12:3)',
    'at https://cdn.example.com/static/js/main.8f7a6b5c.chunk.js:2:10345',
    'getSecret@https://example.com/app.js:3:14',
    'apiKeyFor@webpack:///./src/api/key.ts?5a2b:7:22',
    'at D:\\build\\project\\secret-handler.js:5:1',
    'at file:///srv/app/dist/session.mjs:120:33',
    '    at processTicksAndRejections (node:internal/process/task_queues:95:5)',
  ],
  'parse errors': [
    'SyntaxError: Unexpected token: [ in JSON at line 1',
    'Unexpected token } in JSON at position 0',
    'Unexpected token: }',
    'Unexpected token \'o\', "[object Object]" is not valid JSON',
    'SyntaxError: Unexpected token < in JSON at position 0',
    "Expected ',' or '}' after property value in JSON at position 10 (line 1 column 11)",
    'JSON.parse: unexpected character at line 1 column 1 of the JSON data',
    "SyntaxError: JSON Parse error: Unrecognized token '<'",
    'Unexpected end of JSON input',
    "Cannot read properties of undefined (reading 'token')",
    "TypeError: Cannot destructure property 'password' of 'req.body' as it is undefined.",
  ],
  prose: [
    'the token expired, please sign in again',
    'Invalid token provided',
    'token refresh failed after 3 attempts',
    'session expired',
    'Your session has ended. Sign in to continue.',
    'password must be at least 8 characters',
    'Incorrect password for this account',
    'the secret sauce is patience',
    'missing key in translation map',
    'Invalid API key',
    'Basic authentication required',
    'Bearer authentication failed',
    'retry 3 of 5 after 1500 ms on port 8080',
    'call ext. 4567 or room 555-1234',
    'localhost 127.0.0.1 and ::1',
    'std::vector<int> at 12:30:45',
    'Error: ECONNREFUSED',
    'the authorization server is unavailable',
    'forgot password? reset it from the login page',
    'keyboard shortcut Ctrl+K',
    'invalid token provided for user 42',
    'Duplicate key value violates unique constraint "users_email_key"',
    'password is required',
    'the token was expired',
    'the password was changed 2 days ago',
    'password is too short',
    'pwd is not set',
    'the secret is out',
    'password must contain a digit',
    'Unexpected token:\n    }',
    'Error: invalid token:\n    at verify (/app/src/auth.js:10:5)',
    'password for user bob is required',
    'password for admin was changed 3 days ago',
    'Incorrect password for this account',
    'the password for the admin account is not valid',
    'reset password for user 42 was successful',
  ],
  'database errors': [
    "Access denied for user 'root'@'localhost' (using password: YES)",
    'error: password authentication failed for user "app"',
    'ReplyError: WRONGPASS invalid username-password pair or user is disabled.',
    'mysql -h db -u root -p shop',
    'redis-cli -h cache ping',
    'pwd /home/app',
    'docker login registry.example.com',
    'htpasswd -c /etc/nginx/.htpasswd admin',
    'htpasswd -D /etc/nginx/.htpasswd admin',
    'htpasswd -nB admin > auth/htpasswd',
    'aws configure set region eu-west-1 --profile prod',
    'npm config set registry https://registry.npmjs.org/',
    'git config --global user.name Ada',
    'git config --global --unset user.password',
    'the config token expired',
    'docker run --rm -u 1000:1000 -v /srv:/srv node:20 npm ci',
    'git push -u origin main',
    'smbclient -U backup //files/backup',
    '7z a -p /backup/db.7z /backup/db.sql',
    'ssh-keygen -t ed25519 -N "" -f /root/.ssh/deploy',
    "ssh-keygen -t rsa -b 4096 -N '' -C deploy",
    'openssl enc -d -aes-256-cbc -kfile /etc/backup.key -in db.sql.enc',
    'rabbitmqctl list_users',
    'mysqladmin: [Warning] Using a password on the command line interface can be insecure.',
    'sqlplus / as sysdba',
    'net use \\\\fileserver\\backup /delete',
    'npm login --auth-type=legacy',
  ],
  'library errors': [
    'TokenExpiredError: jwt expired',
    'JsonWebTokenError: invalid token',
    'ValidationError: password: Path `password` is required.',
    'SessionError: session not found',
    'Your session expired: please sign in again',
    'TokenExpiredError: token expired: at 2024-05-01T10:00:00.000Z',
  ],
  markup: [
    '<p>Enter your password</p>',
    '<input type="password" name="pw">',
    'Type Array<Token> x is not assignable to Map<string, Token>',
    '<div class="session">expired</div>',
    '<add key="ApiUrl" value="https://api.example.com/v1" />',
    '<add key="PageSize" value="20"/><add key="Theme" value="dark"/>',
    '<add name="Db" connectionString="Server=db;Database=shop;Integrated Security=true"/>',
    '<input type="password" name="pw"><input type="text" name="q" value="shoes">',
    '<label for="password" class="form-label">Password</label><span class="hint">8 characters or more</span>',
    '<wsse:Security><wsu:Timestamp wsu:Id="TS-1"><wsu:Created>2026-12-07T10:00:00Z</wsu:Created></wsu:Timestamp></wsse:Security>',
  ],
  tables: [
    "│ (index) │ id │ status │ total │\n│ 0       │ 17 │ 'paid' │ 42.5  │\n│ 1       │ 18 │ 'open' │ 9.99  │",
    '| setting | value |\n|---|---|\n| password_min_length | 12 |\n| session_ttl | 3600 |',
    'ps aux | grep node | grep -v grep',
    'id,name,plan,seats\n1,Acme,pro,12\n2,Globex,free,1',
    'sku;title;price\r\nA-1;Token ring adapter;19.90\r\nA-2;Session musician hire;250.00',
    '--- PASS: TestLogin (0.00s)\n--- PASS: TestLogout (0.01s)\nPASS\nok  \tgithub.com/acme/auth\t0.012s',
    "if (type !== 'password') return showHint('Use 12 characters or more');",
  ],
  'feed and join paths': [
    'GET /feed/latest-posts-2024.rss 200',
    'GET /join/team-meeting-2024 302',
    'GET /assets/private/9f8e7d6c5b4a39281706f5e4d3c2b1a0.js 200',
  ],
  config: [
    'password:\n  min_length: 8\n  require_digit: true',
    'session:\n  ttl: 3600',
    'token:\n  expired',
    'db:\n  host: db\n  port: 5432',
    'env:\n  - name: PORT\n    value: "8080"\n  - name: LOG_LEVEL\n    value: debug',
    '{"name":"token_count","value":42}',
    'CACHE_KEY=orders:v2\nSORT_KEY=created_at\nRECAPTCHA_SITE_KEY=6LcX',
    // The same in code and config: what a key indexes or names keeps its value.
    "{ cacheKey: 'orders:v2', sortKey: 'createdAt', partitionKey: 'tenant#42', idempotencyKey: 'order-42-retry-1' }",
    '{"TableName":"orders","Key":{"pk":"ORDER#42"},"LastEvaluatedKey":{"pk":"ORDER#41"},"MaxKeys":1000}',
    'objectKey=uploads/2024/01/invoice-42.pdf i18nKey=errors.payment.declined',
    "allowedHeaders: ['Content-Type', 'Authorization', 'X-Api-Key']",
    "missing fields: ['password', 'email']",
    // A key/value row whose key is harmless, and one that describes a password without holding one.
    'Invalid `prisma.setting.update()` invocation:\n\n{\n  where: {\n    key: "theme"\n  },\n  data: {\n    value: "dark"\n  }\n}',
    '{\n  key: "password_min_length",\n  value: "12"\n}',
    '[{"name":"password","label":"Password"},{"name":"theme","value":"dark"}]',
  ],
  counts: [
    'prompt_tokens: 12, completion_tokens: 30, total_tokens: 42',
    'max_tokens=4096 token_count: 5',
    '{"usage":{"input_tokens":812,"output_tokens":64,"cache_read_input_tokens":0}}',
    'Map(2) { "retries" => 3, "limit" => 10 }',
    '{"model":"gpt-4o","tokenizer":"o200k_base","tokenization":"bpe"}',
    'tokenizer: cl100k_base',
  ],
  requests: [
    'GET https://example.com/api/users/42?page=2&sort=name#section',
    'POST /v1/orders 503 in 35ms',
    'fetch https://api.example.com/search?q=token+rotation&lang=en failed',
    'GET /static/js/main.8f7a6b5c.chunk.js 404',
    'redirect to /login?next=%2Fdashboard',
    "ENOENT: no such file or directory, open '/app/config/secrets.json'",
    'http://localhost:3000/health',
    'GET /api/v1/tokens/42',
    'GET /static/js/reset.8f9a2b3c4d5e6f70.js',
    'https://cdn.example.com/invite/landing-page',
    'https://registry.npmjs.org:443/@scope/pkg',
    'http://localhost:3000/@vite/client',
    // Query keys whose code, key or state is data, not a credential.
    'GET /api/rates?country_code=US&currency_code=USD&status_code=404&sort_key=created_at&order_state=shipped',
    'GET /admin/api/2024-01/orders/5012345678908.json',
    'GET /assets/logo@2x.png and /assets/icon@3x.webp',
    'git clone git@github.com:acme/api.git',
    'cat token.txt | docker login --password-stdin registry.example.com',
    "ER_DUP_ENTRY: Duplicate entry 'SKU-1042' for key 'products.sku'",
    'query: SELECT * FROM "orders" WHERE "status" = $1 -- PARAMETERS: ["shipped"]',
    'Key (order_id)=(42) is not present in table "orders".',
    'User validation failed: email: Path `email` (`not-an-email`) is invalid.',
    'Cast to ObjectId failed for value "abc" (type string) at path "_id" for model "User"',
    'process exited with exit code 1234; error code 40400',
    'session expired, please sign in again; the key was not found',
    'upload failed for key uploads/2024/12/06/report-final.pdf; missing key checkout.summary.total2',
    'retry with idempotency key 550e8400-e29b-41d4-a716-446655440000',
    'https://docs.example.com/guide#section-installation-guide-v2 and https://app.example.com/#/orders/550e8400-e29b-41d4-a716-446655440000/edit',
    '{ otpEnabled: true, tokenExpiresAt: 1718000000, passwordRequired: false }',
    'GET /stores?state=CA&invite_count=3&hash_algo=sha256',
    "INSERT INTO orders (id, status, note) VALUES (1, 'paid', 'gift wrap'), (2, 'shipped', NULL)",
    'query: INSERT INTO "order"("id", "total", "token_count") VALUES ($1, $2, $3) -- PARAMETERS: [42,1999,3]',
    'Could not load file or assembly System.Web, Version=4.0.0.0, Culture=neutral',
    // One-letter path segments holding slugs, names, ids and files.
    'GET /t/how-to-install-node-20-on-ubuntu-22-04/4567',
    'https://www.reddit.com/r/AskReddit/comments/1abc2de/what_is_your_favorite/ and /r/Warhammer40000Painting',
    'GET /i/550e8400-e29b-41d4-a716-446655440000 200',
    'GET /s/8f7a6b5c4d3e2f1a9b8c.js 404',
    // Short parameters holding searches, times, counts and ids.
    'GET /search?s=blue+shoes+size+42&t=1700000000&k=3',
    'GET /watch?v=dQw4w9WgXcQ&t=2024-01-15T12:30:45Z&s=iphone15promax256gb',
    'GET /export?t=550e8400-e29b-41d4-a716-446655440000&k=daily_report_2024_q1',
    // Redis keys whose parts are data.
    'SET ratelimit:login:42 5 EX 60',
    'GET reset:attempts:42',
    'SETEX share:count_by_day_2024_01_15 86400 12',
  ],
  'cookie and header parameters': [
    '_ga=GA1.2.1234567890.1700000000; _gid=GA1.2.987654321.1700000000; theme=dark; lang=en-US; consent=1',
    'Content-Type: multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW',
    'Server=db-primary-01.internal.example.com; Database=shop; Encrypt=true',
    'Content-Disposition: attachment; filename=report-8f7a6b5c4d3e2f1a9b.pdf; size=1234',
    'X-Amzn-Trace-Id: Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
  ],
  commands: [
    'zip -P is insecure, use zipcloak or 7z with -p instead',
    'curl -u admin: https://example.com/status',
    'smbclient //fileserver/backup -N -c ls',
    'net user svc-backup /delete',
    // `-p` after `-u` that is no password: a port, a pid, a port mapping, a database, a priority.
    'docker run --rm -u 1000:1000 -p 8080:80 -v /srv:/srv node:20 npm ci',
    'psql -h db -U app -p 5432 shop',
    'mysql -h db -u root -p shop',
    'journalctl -u nginx.service -p err --since today',
    'ps -u root -p 1234,5678',
    'sudo -u app node server.js -p production',
    "{ code: 'ENOENT', spawnargs: [ '-h', 'db', '-U', 'app', '-p', '5432', 'shop' ] }",
  ],
};

/** Every credential of the corpus in every planting, with the secret that must not arrive. */
export function plantedTexts(seeds: number[] = [1]): Array<{ text: string; secret: string }> {
  return seeds.flatMap((seed) =>
    vendorCases(seed).flatMap((c) => plantings(c).map((text) => ({ text, secret: c.secret }))),
  );
}

/** Every leak case in every planting. */
export function plantedLeaks(seeds: number[] = [1]): Array<{ text: string; secret: string }> {
  return seeds.flatMap((seed) =>
    leakCases(seed).flatMap((c) => leakPlantings(c.text).map((text) => ({ text, secret: c.secret }))),
  );
}

/** Every benign text of the corpus. */
export const benignTexts = (): string[] => Object.values(BENIGN).flat();
