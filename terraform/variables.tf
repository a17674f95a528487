# ---------------------------------------------------------------------------
# Variables kept from the original (Python) EventGate deployment
# ---------------------------------------------------------------------------

variable "aws_region" {
  description = "AWS region to deploy into."
  type        = string
}

variable "vpc_id" {
  description = "VPC in which the Lambda security group is created."
  type        = string
}

variable "vpc_endpoint" {
  description = "ID of the execute-api interface VPC endpoint (vpce-...) through which the private REST API is reachable."
  type        = string
}

variable "resource_prefix" {
  description = "Prefix for all resource names, e.g. \"dev-\"."
  type        = string
  default     = ""
}

variable "lambda_role_arn" {
  description = <<-EOT
    Execution role of the Lambda (managed outside this module). Besides the usual
    VPC/CloudWatch Logs permissions and access to Kafka/EventBridge/Postgres secret/S3
    config, it must allow lambda:GetFunctionConfiguration and
    lambda:UpdateFunctionConfiguration on the function itself (used by POST /terminate).
  EOT
  type        = string
}

variable "lambda_vpc_subnet_ids" {
  description = "Subnets the Lambda is attached to."
  type        = list(string)
}

variable "lambda_package_type" {
  description = "\"Zip\" (deployment zip from S3) or \"Image\" (container image from ECR)."
  type        = string
  default     = "Zip"

  validation {
    condition     = contains(["Zip", "Image"], var.lambda_package_type)
    error_message = "lambda_package_type must be either \"Zip\" or \"Image\"."
  }
}

variable "lambda_src_s3_bucket" {
  description = "S3 bucket holding eventgate-lambda.zip (Zip package type only)."
  type        = string
  default     = null
}

variable "lambda_src_s3_key" {
  description = "S3 key of eventgate-lambda.zip (Zip package type only)."
  type        = string
  default     = null
}

variable "lambda_src_s3_object_version" {
  description = "Optional S3 object version of the zip (versioned bucket); changing it redeploys the code."
  type        = string
  default     = null
}

variable "lambda_src_code_sha256" {
  description = "Optional base64-encoded SHA-256 of the zip (openssl dgst -sha256 -binary eventgate-lambda.zip | base64); changing it redeploys the code."
  type        = string
  default     = null
}

variable "lambda_src_ecr_image" {
  description = "ECR image URI, preferably pinned by digest (Image package type only)."
  type        = string
  default     = null
}

# ---------------------------------------------------------------------------
# Java / Camel specific settings
# ---------------------------------------------------------------------------

variable "snapstart_enabled" {
  description = "Enable Lambda SnapStart (Zip only). Publishes a version on every change and routes API Gateway through the alias."
  type        = bool
  default     = false
}

variable "lambda_alias_name" {
  description = "Name of the alias API Gateway invokes when SnapStart is enabled."
  type        = string
  default     = "live"
}

variable "lambda_architecture" {
  description = "Lambda CPU architecture: \"x86_64\" or \"arm64\" (must match the image when using Image)."
  type        = string
  default     = "x86_64"

  validation {
    condition     = contains(["x86_64", "arm64"], var.lambda_architecture)
    error_message = "lambda_architecture must be either \"x86_64\" or \"arm64\"."
  }
}

variable "memory_size" {
  description = "Lambda memory in MB (also scales CPU, which matters for JVM start-up)."
  type        = number
  default     = 1024
}

variable "timeout" {
  description = "Lambda timeout in seconds."
  type        = number
  default     = 60
}

variable "conf_dir" {
  description = "CONF_DIR: configuration folder, local path or s3://bucket/prefix/. Empty = function default (conf/ inside the package)."
  type        = string
  nullable    = false
  default     = ""
}

variable "routes_dir" {
  description = "EVENTGATE_ROUTES_DIR: folder with sink route YAML files. Empty = function default (routes inside the package)."
  type        = string
  nullable    = false
  default     = ""
}

variable "log_level" {
  description = "LOG_LEVEL of the function."
  type        = string
  nullable    = false
  default     = "INFO"
}

variable "postgres_secret_name" {
  description = "POSTGRES_SECRET_NAME: Secrets Manager secret with Postgres credentials. Empty = Postgres sink disabled / not configured via secret."
  type        = string
  nullable    = false
  default     = ""
}

variable "postgres_secret_region" {
  description = "POSTGRES_SECRET_REGION. Empty = aws_region (only set when postgres_secret_name is set)."
  type        = string
  nullable    = false
  default     = ""
}

variable "java_tool_options" {
  description = "JAVA_TOOL_OPTIONS for the JVM. Empty = not set."
  type        = string
  nullable    = false
  default     = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1"
}

variable "api_stage_name" {
  description = "API Gateway stage name."
  type        = string
  default     = "DEV"
}

variable "tags" {
  description = "Extra tags applied to all resources."
  type        = map(string)
  default     = {}
}

# ---------------------------------------------------------------------------
# EventGate settings and the configuration folder on S3 (see settings.tf and
# README.md, "Walk-through")
# ---------------------------------------------------------------------------

variable "eventgate_settings" {
  description = <<-EOT
    EventGate settings (config.json keys, e.g. kafka_bootstrap_server, token_public_keys_url,
    sinks.kafka.timeout_ms), each passed as the environment variable EVENTGATE_<KEY> (upper case,
    "." and "-" become "_"), which wins over config.json. Values are visible to anyone who can read
    the function's configuration: keep secrets in the configuration folder or Secrets Manager.
  EOT
  type        = map(string)
  nullable    = false
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.eventgate_settings) : can(regex("^[A-Za-z][A-Za-z0-9_.-]*$", k))])
    error_message = "eventgate_settings keys must be setting names: a letter, then letters, digits, \"_\", \".\" or \"-\"."
  }

  validation {
    condition = length(distinct([for k in keys(var.eventgate_settings) : upper(replace(k, "/[.-]/", "_"))])) == length(var.eventgate_settings) && alltrue([
      for k in keys(var.eventgate_settings) : !contains(["ROUTES_DIR", "RELOAD_GENERATION"], upper(replace(k, "/[.-]/", "_")))
    ])
    error_message = "eventgate_settings: two keys give the same EVENTGATE_ variable, or a key is routes_dir / reload_generation (use routes_dir; the reload generation is the function's own)."
  }
}

variable "conf_s3_uri" {
  description = <<-EOT
    The configuration folder on S3 (config.json, the access file, topic_keys.json, api.yaml,
    topic_schemas/), as s3://bucket/prefix/: the function's CONF_DIR, read at every start and
    POST /terminate. Wins over conf_dir. null = conf_dir. The role needs s3:ListBucket on the
    prefix and s3:GetObject under it (output conf_s3_read_policy_json).
  EOT
  type        = string
  default     = null

  validation {
    condition     = var.conf_s3_uri == null ? true : can(regex("^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/([^/].*/)?$", var.conf_s3_uri))
    error_message = "conf_s3_uri must be s3://bucket/ or s3://bucket/prefix/ (ending in \"/\")."
  }
}

# ---------------------------------------------------------------------------
# Network egress of the Lambda security group (see network.tf and README.md)
# ---------------------------------------------------------------------------

variable "https_cidrs" {
  description = <<-EOT
    IPv4 CIDRs the function may reach on TCP 443: the AWS APIs (EventBridge, Secrets Manager,
    S3 for CONF_DIR, Lambda for POST /terminate, STS) and the token public-key URL. The default
    0.0.0.0/0 (port 443 only) is needed when these are reached through a NAT gateway, since AWS
    endpoints are public addresses. With interface VPC endpoints for all of them (and a
    token-key host with known addresses) set the VPC CIDR and those addresses instead.
  EOT
  type        = list(string)
  nullable    = false
  default     = ["0.0.0.0/0"]

  validation {
    condition     = alltrue([for c in var.https_cidrs : can(cidrnetmask(c)) ? cidrsubnet(c, 0, 0) == c : false])
    error_message = "https_cidrs must be IPv4 CIDRs in canonical form (e.g. 10.0.0.0/16, not 10.0.0.1/16)."
  }
}

variable "https_prefix_list_ids" {
  description = "Prefix lists (pl-...) the function may reach on TCP 443, e.g. the S3 gateway endpoint's prefix list."
  type        = list(string)
  nullable    = false
  default     = []
}

variable "kafka_cidrs" {
  description = <<-EOT
    IPv4 CIDRs of the Kafka brokers (bootstrap and every advertised broker address), reached on
    kafka_ports. null (default) = the IPv4 CIDR blocks of vpc_id, which covers brokers (MSK or
    PrivateLink endpoints) inside the VPC; set the broker subnets to narrow it, or the peered /
    on-premises ranges for brokers elsewhere. [] = no Kafka rule.
  EOT
  type        = list(string)
  default     = null

  validation {
    condition     = var.kafka_cidrs == null ? true : alltrue([for c in var.kafka_cidrs : can(cidrnetmask(c)) ? cidrsubnet(c, 0, 0) == c : false])
    error_message = "kafka_cidrs must be IPv4 CIDRs in canonical form (e.g. 10.0.0.0/16, not 10.0.0.1/16)."
  }
}

variable "kafka_ports" {
  description = "TCP ports of the Kafka listeners: 9092 plaintext, 9093 common TLS / SASL_SSL, 9094 MSK TLS, 9096 MSK SASL/SCRAM."
  type        = list(number)
  nullable    = false
  default     = [9092, 9093, 9094, 9096]

  validation {
    condition     = alltrue([for p in var.kafka_ports : p >= 1 && p <= 65535 && floor(p) == p])
    error_message = "kafka_ports must be integers from 1 to 65535."
  }
}

variable "postgres_cidrs" {
  description = "IPv4 CIDRs of the Postgres server (or RDS Proxy), reached on postgres_ports. null (default) = the IPv4 CIDR blocks of vpc_id; [] = no Postgres rule."
  type        = list(string)
  default     = null

  validation {
    condition     = var.postgres_cidrs == null ? true : alltrue([for c in var.postgres_cidrs : can(cidrnetmask(c)) ? cidrsubnet(c, 0, 0) == c : false])
    error_message = "postgres_cidrs must be IPv4 CIDRs in canonical form (e.g. 10.0.0.0/16, not 10.0.0.1/16)."
  }
}

variable "postgres_ports" {
  description = "TCP ports of Postgres."
  type        = list(number)
  nullable    = false
  default     = [5432]

  validation {
    condition     = alltrue([for p in var.postgres_ports : p >= 1 && p <= 65535 && floor(p) == p])
    error_message = "postgres_ports must be integers from 1 to 65535."
  }
}

variable "kerberos_kdc_cidrs" {
  description = "IPv4 CIDRs of the Kerberos KDCs, reached on TCP and UDP 88. Needed only for Kafka SASL/GSSAPI."
  type        = list(string)
  nullable    = false
  default     = []

  validation {
    condition     = alltrue([for c in var.kerberos_kdc_cidrs : can(cidrnetmask(c)) ? cidrsubnet(c, 0, 0) == c : false])
    error_message = "kerberos_kdc_cidrs must be IPv4 CIDRs in canonical form."
  }
}

variable "dns_resolver_cidrs" {
  description = <<-EOT
    IPv4 CIDRs of custom DNS servers (set through the VPC's DHCP options), reached on TCP and
    UDP 53. Leave empty with the Amazon-provided resolver (VPC base + 2, 169.254.169.253):
    security groups do not filter traffic to it.
  EOT
  type        = list(string)
  nullable    = false
  default     = []

  validation {
    condition     = alltrue([for c in var.dns_resolver_cidrs : can(cidrnetmask(c)) ? cidrsubnet(c, 0, 0) == c : false])
    error_message = "dns_resolver_cidrs must be IPv4 CIDRs in canonical form."
  }
}

variable "extra_egress_rules" {
  description = <<-EOT
    Further egress rules, by a name of your choice (used in the resource address). Exactly one
    destination: cidr_ipv4, cidr_ipv6, prefix_list_id or referenced_security_group_id.
    ip_protocol "tcp" (default), "udp", "icmp", "icmpv6" or "-1" (all, no ports); to_port
    defaults to from_port.
  EOT
  type = map(object({
    description                  = optional(string)
    ip_protocol                  = optional(string, "tcp")
    from_port                    = optional(number)
    to_port                      = optional(number)
    cidr_ipv4                    = optional(string)
    cidr_ipv6                    = optional(string)
    prefix_list_id               = optional(string)
    referenced_security_group_id = optional(string)
  }))
  nullable = false
  default  = {}

  validation {
    condition = alltrue([for r in values(var.extra_egress_rules) :
      length([for d in [r.cidr_ipv4, r.cidr_ipv6, r.prefix_list_id, r.referenced_security_group_id] : d if d != null]) == 1
    ])
    error_message = "Each extra_egress_rules entry needs exactly one of cidr_ipv4, cidr_ipv6, prefix_list_id, referenced_security_group_id."
  }

  validation {
    condition     = alltrue([for r in values(var.extra_egress_rules) : contains(["tcp", "udp", "icmp", "icmpv6", "-1"], r.ip_protocol)])
    error_message = "extra_egress_rules ip_protocol must be one of \"tcp\", \"udp\", \"icmp\", \"icmpv6\", \"-1\"."
  }

  validation {
    condition = alltrue([for r in values(var.extra_egress_rules) :
      !contains(["tcp", "udp"], r.ip_protocol) ? true : (
        r.from_port == null ? false : (
          r.from_port >= 1 && r.from_port <= 65535 && floor(r.from_port) == r.from_port &&
          (r.to_port == null ? true : r.to_port >= r.from_port && r.to_port <= 65535 && floor(r.to_port) == r.to_port)
        )
      )
    ])
    error_message = "extra_egress_rules with ip_protocol \"tcp\" or \"udp\" need from_port (1-65535) and, if set, to_port >= from_port."
  }
}

variable "egress_allow_all_ipv4" {
  description = "Keep the allow-all IPv4 egress rule of earlier versions (all protocols to 0.0.0.0/0). Only for a staged migration; see README.md."
  type        = bool
  nullable    = false
  default     = false
}

# ---------------------------------------------------------------------------
# API Gateway stage: throttling and access logging
# ---------------------------------------------------------------------------

variable "throttling_burst_limit" {
  description = "Stage-wide burst limit (requests) on every method of the stage; -1 = no stage limit (the account limit only)."
  type        = number
  nullable    = false
  default     = 200

  validation {
    condition     = var.throttling_burst_limit >= -1 && floor(var.throttling_burst_limit) == var.throttling_burst_limit
    error_message = "throttling_burst_limit must be an integer >= 0, or -1 for no limit."
  }
}

variable "throttling_rate_limit" {
  description = "Stage-wide steady-state rate limit (requests per second) on every method of the stage; -1 = no stage limit (the account limit only)."
  type        = number
  nullable    = false
  default     = 100

  validation {
    condition     = var.throttling_rate_limit >= 0 || var.throttling_rate_limit == -1
    error_message = "throttling_rate_limit must be >= 0, or -1 for no limit."
  }
}

variable "api_access_log_enabled" {
  description = "Write API Gateway access logs (one JSON line per request) to a CloudWatch log group created here. Needs the account-level CloudWatch role, see manage_api_gateway_account."
  type        = bool
  nullable    = false
  default     = true
}

variable "api_access_log_retention_days" {
  description = "Retention of the access log group, in days (a value CloudWatch Logs accepts; 0 = never expire)."
  type        = number
  nullable    = false
  default     = 30

  validation {
    condition     = contains([0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.api_access_log_retention_days)
    error_message = "api_access_log_retention_days must be one of 0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "api_access_log_format" {
  description = "Access log format ($context variables). null (default) = a JSON line with requestId, ip, caller, user, vpceId, requestTime, httpMethod, resourcePath, status, protocol, responseLength, responseLatency, integrationStatus, integrationError, errorMessage."
  type        = string
  default     = null
}

variable "api_access_log_kms_key_id" {
  description = "Optional KMS key ARN to encrypt the access log group (its key policy must allow the CloudWatch Logs service). null = CloudWatch Logs default encryption."
  type        = string
  default     = null
}

variable "manage_api_gateway_account" {
  description = <<-EOT
    Set the API Gateway account setting "CloudWatch log role ARN" (aws_api_gateway_account), which
    access logging needs. It is one setting per account and region, shared by every API there:
    enable it in one stack only, and only if nothing else manages it. Default false.
  EOT
  type        = bool
  nullable    = false
  default     = false
}

variable "api_gateway_cloudwatch_role_arn" {
  description = "Role used when manage_api_gateway_account = true. null = create one (<resource_prefix>event-gate-apigw-cloudwatch) with the AWS managed policy AmazonAPIGatewayPushToCloudWatchLogs."
  type        = string
  default     = null
}

variable "kafka_settings" {
  description = <<-EOT
    Kafka client properties of the Kafka sink, passed as EVENTGATE_KAFKA_<PROPERTY> environment
    variables (README, "Kafka security"), e.g. { "security.protocol" = "SASL_SSL", "sasl.mechanism" =
    "SCRAM-SHA-512" }. Keys: security.protocol, sasl.mechanism, sasl.jaas.config,
    sasl.kerberos.service.name, ssl.truststore.*, ssl.keystore.*, ssl.key.password,
    ssl.endpoint.identification.algorithm. Keep passwords out of it (they would be in the state and
    in the function's configuration): put them into the secret of kafka_secret_name. {} = none.
  EOT
  type        = map(string)
  nullable    = false
  default     = {}
}

variable "kafka_secret_name" {
  description = "EVENTGATE_KAFKA_SECRET_NAME: Secrets Manager secret with Kafka client properties ({\"sasl.jaas.config\": ...}, {\"ssl.keystore.password\": ...}) or an MSK SCRAM {\"username\", \"password\"}. The role needs secretsmanager:GetSecretValue on it. Empty = none."
  type        = string
  nullable    = false
  default     = ""
}

variable "kafka_secret_region" {
  description = "EVENTGATE_KAFKA_SECRET_REGION. Empty = aws_region (only set when kafka_secret_name is set)."
  type        = string
  nullable    = false
  default     = ""
}
