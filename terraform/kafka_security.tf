# ---------------------------------------------------------------------------
# Kafka security (README, "Kafka security"): the Kafka sink's client properties
# and the name of its Secrets Manager secret, as the function's environment.
# krb5.conf and the keytab for GSSAPI are files: in the container image
# (/opt/kerberos, see ../Dockerfile) or in the zip's conf/ (/var/task/conf);
# java_tool_options names krb5.conf (-Djava.security.krb5.conf=...).
# ---------------------------------------------------------------------------

locals {
  kafka_environment = merge(
    {
      for k, v in var.kafka_settings :
      "EVENTGATE_KAFKA_${upper(replace(replace(k, ".", "_"), "-", "_"))}" => v if v != ""
    },
    {
      for k, v in {
        EVENTGATE_KAFKA_SECRET_NAME   = var.kafka_secret_name
        EVENTGATE_KAFKA_SECRET_REGION = var.kafka_secret_name != "" ? coalesce(var.kafka_secret_region, var.aws_region) : ""
      } : k => v if v != ""
    },
  )
}
