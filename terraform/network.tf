# ---------------------------------------------------------------------------
# Security group of the Lambda and its egress rules
# ---------------------------------------------------------------------------
#
# The function only initiates connections, so there is no ingress rule. Egress
# is limited to what the sinks need (see "Network egress" in README.md):
#
#   HTTPS 443  -> https_cidrs / https_prefix_list_ids: AWS APIs (EventBridge,
#                 Secrets Manager, S3 for CONF_DIR, Lambda for POST /terminate,
#                 STS) and the token public-key URL
#   Kafka      -> kafka_cidrs x kafka_ports
#   Postgres   -> postgres_cidrs x postgres_ports
#   Kerberos   -> kerberos_kdc_cidrs, TCP and UDP 88 (SASL/GSSAPI only)
#   DNS        -> dns_resolver_cidrs, TCP and UDP 53 (custom resolvers only;
#                 security groups do not filter the Amazon-provided resolver)
#   anything else -> extra_egress_rules
#
# Terraform removes the allow-all rule AWS adds to a new security group, so
# nothing else is allowed.

resource "aws_security_group" "eventgate" {
  name        = "${var.resource_prefix}event-gate-sg"
  description = "SG for EventGate Lambda"
  vpc_id      = var.vpc_id
}

# IPv4 CIDR blocks of the VPC: the default destination of the Kafka and
# Postgres rules (read only when kafka_cidrs or postgres_cidrs is null).
data "aws_vpc" "eventgate" {
  count = var.kafka_cidrs == null || var.postgres_cidrs == null ? 1 : 0

  id = var.vpc_id
}

locals {
  vpc_ipv4_cidrs = length(data.aws_vpc.eventgate) == 0 ? [] : distinct(concat(
    [data.aws_vpc.eventgate[0].cidr_block],
    [for a in data.aws_vpc.eventgate[0].cidr_block_associations : a.cidr_block if a.state == "associated"],
  ))

  kafka_cidrs    = var.kafka_cidrs != null ? var.kafka_cidrs : local.vpc_ipv4_cidrs
  postgres_cidrs = var.postgres_cidrs != null ? var.postgres_cidrs : local.vpc_ipv4_cidrs

  # Every rule has the same attributes; exactly one destination is set.
  egress_rule_list = concat(
    [for c in distinct(var.https_cidrs) : {
      key                          = "https ${c}"
      description                  = "HTTPS: AWS APIs and token keys"
      ip_protocol                  = "tcp"
      from_port                    = 443
      to_port                      = 443
      cidr_ipv4                    = c
      cidr_ipv6                    = null
      prefix_list_id               = null
      referenced_security_group_id = null
    }],
    [for pl in distinct(var.https_prefix_list_ids) : {
      key                          = "https ${pl}"
      description                  = "HTTPS: AWS APIs via prefix list"
      ip_protocol                  = "tcp"
      from_port                    = 443
      to_port                      = 443
      cidr_ipv4                    = null
      cidr_ipv6                    = null
      prefix_list_id               = pl
      referenced_security_group_id = null
    }],
    flatten([for c in distinct(local.kafka_cidrs) : [for p in distinct(var.kafka_ports) : {
      key                          = "kafka ${c} ${p}"
      description                  = "Kafka brokers"
      ip_protocol                  = "tcp"
      from_port                    = p
      to_port                      = p
      cidr_ipv4                    = c
      cidr_ipv6                    = null
      prefix_list_id               = null
      referenced_security_group_id = null
    }]]),
    flatten([for c in distinct(local.postgres_cidrs) : [for p in distinct(var.postgres_ports) : {
      key                          = "postgres ${c} ${p}"
      description                  = "Postgres"
      ip_protocol                  = "tcp"
      from_port                    = p
      to_port                      = p
      cidr_ipv4                    = c
      cidr_ipv6                    = null
      prefix_list_id               = null
      referenced_security_group_id = null
    }]]),
    flatten([for c in distinct(var.kerberos_kdc_cidrs) : [for proto in ["tcp", "udp"] : {
      key                          = "kerberos ${c} ${proto}"
      description                  = "Kerberos KDC (SASL/GSSAPI)"
      ip_protocol                  = proto
      from_port                    = 88
      to_port                      = 88
      cidr_ipv4                    = c
      cidr_ipv6                    = null
      prefix_list_id               = null
      referenced_security_group_id = null
    }]]),
    flatten([for c in distinct(var.dns_resolver_cidrs) : [for proto in ["tcp", "udp"] : {
      key                          = "dns ${c} ${proto}"
      description                  = "DNS (custom resolver)"
      ip_protocol                  = proto
      from_port                    = 53
      to_port                      = 53
      cidr_ipv4                    = c
      cidr_ipv6                    = null
      prefix_list_id               = null
      referenced_security_group_id = null
    }]]),
    [for name, r in var.extra_egress_rules : {
      key                          = "extra ${name}"
      description                  = coalesce(r.description, "Extra rule ${name}")
      ip_protocol                  = r.ip_protocol
      from_port                    = r.ip_protocol == "-1" ? null : r.from_port
      to_port                      = r.ip_protocol == "-1" ? null : (r.to_port != null ? r.to_port : r.from_port)
      cidr_ipv4                    = r.cidr_ipv4
      cidr_ipv6                    = r.cidr_ipv6
      prefix_list_id               = r.prefix_list_id
      referenced_security_group_id = r.referenced_security_group_id
    }],
  )

  egress_rules = { for r in local.egress_rule_list : r.key => r }
}

resource "aws_vpc_security_group_egress_rule" "eventgate" {
  for_each = local.egress_rules

  security_group_id            = aws_security_group.eventgate.id
  description                  = each.value.description
  ip_protocol                  = each.value.ip_protocol
  from_port                    = each.value.from_port
  to_port                      = each.value.to_port
  cidr_ipv4                    = each.value.cidr_ipv4
  cidr_ipv6                    = each.value.cidr_ipv6
  prefix_list_id               = each.value.prefix_list_id
  referenced_security_group_id = each.value.referenced_security_group_id
}

# The rule of earlier versions (all protocols to 0.0.0.0/0), kept only behind
# egress_allow_all_ipv4 for a staged migration; off by default.
resource "aws_vpc_security_group_egress_rule" "eventgate_all_ipv4" {
  count = var.egress_allow_all_ipv4 ? 1 : 0

  security_group_id = aws_security_group.eventgate.id
  description       = "Allow all outbound IPv4 traffic"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "-1"
}

# Earlier versions created this rule without count.
moved {
  from = aws_vpc_security_group_egress_rule.eventgate_all_ipv4
  to   = aws_vpc_security_group_egress_rule.eventgate_all_ipv4[0]
}
