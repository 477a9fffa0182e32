// Assertions on the parsed HCL (hcl2json) for each numbered item of issue 14 that Terraform
// carries. Expressions are the source text hcl2json keeps ("${...}"), so the checks match the
// references and literals the module must contain.
'use strict';

const one = (blocks) => (Array.isArray(blocks) ? blocks[0] : undefined) || {};
const res = (mod, type) => Object.entries((mod.resource || {})[type] || {}).map(([n, b]) => [n, one(b)]);
const get = (mod, type, name) => one(((mod.resource || {})[type] || {})[name]);
const str = (v) => (typeof v === 'string' ? v : JSON.stringify(v));

function checkIssue14(mod, fail) {
  const helm = str(one((mod.output || {}).helm_values).value);
  const locals = (mod.locals || []).reduce((a, l) => Object.assign(a, l), {});

  // 10. Cloud SQL for PostgreSQL: private IP through private services access, IAM database
  // authentication, backups with PITR, deletion protection from a variable, IAM users of the
  // ingest and launcher, wired into helm_values; no FUSE; buckets as gs:// URIs.
  const sql = get(mod, 'google_sql_database_instance', 'state');
  const settings = one(sql.settings);
  const ip = one(settings.ip_configuration);
  const backup = one(settings.backup_configuration);
  if (!/^POSTGRES_|var\.database\.version/.test(str(sql.database_version))) fail('10: no PostgreSQL instance google_sql_database_instance.state');
  if (ip.ipv4_enabled !== false) fail('10: Cloud SQL must have no public IP (ip_configuration.ipv4_enabled = false)');
  if (!/google_compute_network\.this\.id/.test(str(ip.private_network))) fail('10: Cloud SQL private_network must be the cluster VPC');
  if (!str(sql.depends_on).includes('google_service_networking_connection.private_services')) fail('10: the instance must depend on the private services connection');
  const psa = get(mod, 'google_compute_global_address', 'private_services');
  if (psa.purpose !== 'VPC_PEERING' || psa.address_type !== 'INTERNAL') fail('10: no VPC_PEERING range for private services access');
  const conn = get(mod, 'google_service_networking_connection', 'private_services');
  if (conn.service !== 'servicenetworking.googleapis.com' || !str(conn.reserved_peering_ranges).includes('private_services')) fail('10: no service networking connection on the reserved range');
  if (!(settings.database_flags || []).some((f) => f.name === 'cloudsql.iam_authentication' && f.value === 'on')) fail('10: database flag cloudsql.iam_authentication=on missing');
  if (backup.enabled !== true || backup.point_in_time_recovery_enabled !== true) fail('10: backups and point-in-time recovery must be enabled');
  if (!str(sql.deletion_protection).includes('var.database.deletion_protection')) fail('10: deletion_protection must come from var.database.deletion_protection');
  const users = get(mod, 'google_sql_user', 'iam');
  if (users.type !== 'CLOUD_IAM_SERVICE_ACCOUNT' || !/trimsuffix\(email, "\.gserviceaccount\.com"\)/.test(str(locals.database_users))) fail('10: IAM database users of the service accounts (email without .gserviceaccount.com) missing');
  for (const sa of ['ingest', 'launcher']) {
    if (!str(locals.database_clients).includes(`google_service_account.${sa}.email`)) fail(`10: ${sa} is not a database client`);
  }
  if (str(locals.database_clients).includes('trainer')) fail('10: training Jobs must get no database access');
  for (const role of ['roles/cloudsql.client', 'roles/cloudsql.instanceUser']) {
    if (!str(locals.database_roles).includes(role)) fail(`10: database clients lack ${role}`);
  }
  if (res(mod, 'google_sql_database').length !== 1) fail('10: one google_sql_database (catalog + state)');
  for (const want of ['database = {', 'url         = "jdbc:postgresql://127.0.0.1:5432/${google_sql_database.state.name}"',
    'credentials = "iam"', 'instanceConnectionName = google_sql_database_instance.state.connection_name',
    'lakeWarehouse = "${google_storage_bucket.lake.url}/lake"', 'artifacts     = "${google_storage_bucket.registry.url}/artifacts"',
    'statePath     = google_storage_bucket.state.url', 'claim         = ""']) {
    if (!helm.includes(want)) fail(`10: helm_values lacks ${want}`);
  }
  if (/fuse/i.test(JSON.stringify(mod.resource))) fail('10: a resource still configures Cloud Storage FUSE');

  // 1. Kafka authentication in helm_values when Kafka is managed.
  if (!helm.includes('properties       = local.managed_kafka ? local.managed_kafka_client_properties : {}')) fail('1: helm_values.kafka.properties must carry the managed client properties');
  const props = locals.managed_kafka_client_properties || {};
  const wantProps = {
    'security.protocol': 'SASL_SSL',
    'sasl.mechanism': 'OAUTHBEARER',
    'sasl.login.callback.handler.class': 'com.google.cloud.hosted.kafka.auth.GcpLoginCallbackHandler',
    'sasl.jaas.config': 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;',
  };
  for (const [k, v] of Object.entries(wantProps)) if (props[k] !== v) fail(`1: managed Kafka client property ${k} must be ${v}, is ${props[k]}`);

  // 2. Firewall from the control plane to admission webhooks on private nodes.
  const fw = get(mod, 'google_compute_firewall', 'master_webhooks');
  if (!str(fw.count).includes('var.cluster.private_nodes')) fail('2: the webhook firewall rule must exist with private nodes');
  if (fw.direction !== 'INGRESS' || !str(fw.source_ranges).includes('var.cluster.master_ipv4_cidr_block')) fail('2: webhook rule must admit the control plane range');
  if (!str(fw.target_tags).includes('local.node_tag')) fail('2: webhook rule must target the node tag');
  if (one(fw.allow).protocol !== 'tcp' || !str(one(fw.allow).ports).includes('var.cluster.master_webhook_ports')) fail('2: webhook rule must allow the webhook ports');
  const ports = str(one(mod.variable.cluster).type) + str(one(mod.variable.cluster).default);
  if (!/master_webhook_ports\s*=\s*optional\(list\(string\), \["8443", "9443", "15017"\]\)/.test(ports)) fail('2: cluster.master_webhook_ports must default to 8443, 9443 (Flink operator) and 15017');
  for (const [name, p] of res(mod, 'google_container_node_pool')) {
    if (!str(one(p.node_config).tags).includes('local.node_tag')) fail(`2: node pool ${name} lacks the node tag the webhook rule targets`);
  }

  // 6. The state bucket's expiry matches checkpoints only.
  const state = get(mod, 'google_storage_bucket', 'state');
  const rules = (state.lifecycle_rule || []).filter((r) => one(r.action).type === 'Delete');
  if (rules.length === 0) fail('6: the state bucket needs its checkpoint expiry rule');
  for (const r of rules) {
    const prefixes = one(r.condition).matches_prefix;
    if (JSON.stringify(prefixes) !== JSON.stringify(['checkpoints/'])) fail(`6: state bucket Delete rule must match only checkpoints/, matches ${JSON.stringify(prefixes)}`);
  }
  if (state.dynamic) fail('6: no dynamic lifecycle rules on the state bucket');

  // 9. GPU pool zones explicit, node pools after the node SA's grants, authorized networks, kubeVersion (chart test).
  const gpu = get(mod, 'google_container_node_pool', 'gpu');
  if (str(gpu.node_locations) !== '${each.value.zones}') fail('9: GPU pools must use exactly their own zones');
  const gpuVar = one(mod.variable.gpu_pools);
  if ('default' in gpuVar) fail('9: gpu_pools must have no default (zones are per region)');
  if (!(gpuVar.validation || []).some((v) => /length\(p\.zones\) >= 1/.test(str(v.condition)))) fail('9: gpu_pools must validate that every pool lists zones');
  for (const [name, p] of res(mod, 'google_container_node_pool')) {
    const deps = str(p.depends_on);
    if (!deps.includes('google_project_iam_member.nodes') || !deps.includes('google_artifact_registry_repository_iam_member.nodes_pull')) fail(`9: node pool ${name} must depend on the node service account's IAM grants`);
  }
  const man = one(mod.variable.master_authorized_networks);
  if (!man.type || 'default' in man) fail('9: master_authorized_networks must be a required variable');
  if (!(man.validation || []).some((v) => str(v.condition).includes('0.0.0.0/0'))) fail('9: master_authorized_networks must refuse 0.0.0.0/0');
  const cluster = get(mod, 'google_container_cluster', 'this');
  const manc = one(cluster.master_authorized_networks_config);
  if (manc.gcp_public_cidrs_access_enabled !== false || !str(manc.dynamic).includes('var.master_authorized_networks')) fail('9: the cluster must always restrict its endpoint to var.master_authorized_networks');

  // 4. WIF: pinned repository id, main and release tags.
  const wif = get(mod, 'google_iam_workload_identity_pool_provider', 'github');
  if (str(wif.attribute_condition) !== '${local.github_condition}') fail('4: WIF provider must use local.github_condition');
  const cond = str(locals.github_condition) + str(locals.github_refs);
  for (const want of ['assertion.repository_id == ', 'var.github.repository_id', 'assertion.ref.startsWith(', 'var.github.tag_prefix', 'var.github.branch_refs']) {
    if (!cond.includes(want)) fail(`4: WIF condition lacks ${want}`);
  }
  if (!str(one(mod.variable.github).type).includes('tag_prefix') || !/refs\/tags\/v/.test(str(one(mod.variable.github).type))) fail('4: github.tag_prefix must default to refs/tags/v');
  if (!str(get(mod, 'google_service_account_iam_member', 'ci_wif').member).includes('attribute.repository_id/${var.github.repository_id}')) fail('4: the CI service account must trust the repository id, not its name');

  // 3. On-commit trigger: the CI identity reaches the cluster (DNS endpoint, clusterViewer) and
  // is the chart's retrain trigger user; it no longer needs Kafka.
  if (!str(get(mod, 'google_project_iam_member', 'ci_cluster').role).includes('roles/container.clusterViewer')) fail('3: the CI service account needs roles/container.clusterViewer for cluster credentials');
  if (res(mod, 'google_project_iam_member').some(([n]) => n === 'ci_kafka')) fail('3: CI no longer publishes to Kafka (the request runs in the cluster)');
  if (!str(one(one(cluster.control_plane_endpoints_config).dns_endpoint_config).allow_external_traffic).includes('var.cluster.dns_endpoint')) fail('3: the DNS-based control-plane endpoint must be configurable');
  if (!helm.includes('trigger = { users = var.github == null ? [] : [google_service_account.ci[0].email] }')) fail('3: helm_values must make the CI identity the retrain trigger user');

  // 5. Immutable image tags.
  if (one(get(mod, 'google_artifact_registry_repository', 'images').docker_config).immutable_tags !== true) fail('5: Artifact Registry tags must be immutable');
}

module.exports = { checkIssue14 };
