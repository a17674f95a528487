# EventGate settings as the function's environment, and the configuration folder on S3
# (variables eventgate_settings and conf_s3_uri; README.md, "Walk-through").

locals {
  # {"sinks.kafka.timeout_ms" = "3000"} becomes EVENTGATE_SINKS_KAFKA_TIMEOUT_MS=3000, the name
  # under which EventGate reads a setting from the environment (it wins over config.json).
  settings_environment = {
    for k, v in var.eventgate_settings : "EVENTGATE_${upper(replace(k, "/[.-]/", "_"))}" => v
  }

  # CONF_DIR: the folder on S3 when given, else conf_dir (empty: conf/ inside the package).
  conf_dir = var.conf_s3_uri != null ? var.conf_s3_uri : var.conf_dir

  conf_s3_bucket = var.conf_s3_uri == null ? null : regex("^s3://([^/]+)/", var.conf_s3_uri)[0]
  conf_s3_prefix = var.conf_s3_uri == null ? null : regex("^s3://[^/]+/(.*)$", var.conf_s3_uri)[0]
}

output "conf_dir" {
  description = "CONF_DIR of the function (empty: conf/ inside the package)."
  value       = local.conf_dir
}

output "eventgate_environment_names" {
  description = "The EVENTGATE_* variables set from eventgate_settings (names only; values may be secret)."
  value       = sort(keys(local.settings_environment))
}

output "conf_s3_read_policy_json" {
  description = "IAM policy that lets the function's role read conf_s3_uri (attach it to lambda_role_arn); null without conf_s3_uri."
  value = var.conf_s3_uri == null ? null : jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "ListConfigurationFolder"
        Effect    = "Allow"
        Action    = "s3:ListBucket"
        Resource  = "arn:${data.aws_partition.current.partition}:s3:::${local.conf_s3_bucket}"
        Condition = { StringLike = { "s3:prefix" = ["${local.conf_s3_prefix}*"] } }
      },
      {
        Sid      = "ReadConfigurationFolder"
        Effect   = "Allow"
        Action   = "s3:GetObject"
        Resource = "arn:${data.aws_partition.current.partition}:s3:::${local.conf_s3_bucket}/${local.conf_s3_prefix}*"
      },
    ]
  })
}
