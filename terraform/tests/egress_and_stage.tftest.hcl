# Plan-level checks of the egress rules and the stage settings, offline:
#   terraform init -backend=false && terraform test
# (needs Terraform >= 1.7 for mock_provider; the AWS provider is mocked, so no
# credentials or network are used.)

mock_provider "aws" {
  mock_data "aws_vpc" {
    defaults = {
      cidr_block = "10.0.0.0/16"
      cidr_block_associations = [
        { association_id = "vpc-cidr-assoc-1", cidr_block = "10.0.0.0/16", state = "associated" },
        { association_id = "vpc-cidr-assoc-2", cidr_block = "100.64.0.0/16", state = "associated" },
        { association_id = "vpc-cidr-assoc-3", cidr_block = "172.16.0.0/16", state = "disassociated" },
      ]
    }
  }

  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }
}

variables {
  aws_region            = "eu-west-1"
  vpc_id                = "vpc-0123456789abcdef0"
  vpc_endpoint          = "vpce-0123456789abcdef0"
  lambda_vpc_subnet_ids = ["subnet-0123456789abcdef0"]
  lambda_role_arn       = "arn:aws:iam::123456789012:role/test"
  lambda_src_s3_bucket  = "bucket"
  lambda_src_s3_key     = "eventgate-lambda.zip"
}

run "defaults_are_narrow" {
  command = plan

  assert {
    condition = toset(keys(aws_vpc_security_group_egress_rule.eventgate)) == toset([
      "https 0.0.0.0/0",
      "kafka 10.0.0.0/16 9092", "kafka 10.0.0.0/16 9093", "kafka 10.0.0.0/16 9094", "kafka 10.0.0.0/16 9096",
      "kafka 100.64.0.0/16 9092", "kafka 100.64.0.0/16 9093", "kafka 100.64.0.0/16 9094", "kafka 100.64.0.0/16 9096",
      "postgres 10.0.0.0/16 5432", "postgres 100.64.0.0/16 5432",
    ])
    error_message = "unexpected default egress rules: ${jsonencode(keys(aws_vpc_security_group_egress_rule.eventgate))}"
  }

  assert {
    condition     = alltrue([for r in aws_vpc_security_group_egress_rule.eventgate : r.ip_protocol == "tcp" && r.from_port == r.to_port])
    error_message = "default rules must be single TCP ports"
  }

  assert {
    condition     = aws_vpc_security_group_egress_rule.eventgate["https 0.0.0.0/0"].from_port == 443
    error_message = "0.0.0.0/0 must only be open on 443"
  }

  assert {
    condition     = length(aws_vpc_security_group_egress_rule.eventgate_all_ipv4) == 0
    error_message = "no allow-all rule by default"
  }

  assert {
    condition     = aws_api_gateway_method_settings.all.method_path == "*/*" && aws_api_gateway_method_settings.all.settings[0].throttling_burst_limit == 200 && aws_api_gateway_method_settings.all.settings[0].throttling_rate_limit == 100
    error_message = "stage throttling must default to 200 burst / 100 rps on */*"
  }

  assert {
    condition     = length(aws_cloudwatch_log_group.api_access) == 1 && aws_cloudwatch_log_group.api_access[0].retention_in_days == 30
    error_message = "access log group with 30 days retention expected by default"
  }

  assert {
    condition     = length(aws_api_gateway_stage.eventgate.access_log_settings) == 1
    error_message = "access logging must be on by default"
  }

  assert {
    condition = alltrue([for k in ["requestId", "ip", "caller", "requestTime", "httpMethod", "resourcePath", "status", "protocol", "responseLength", "integrationError"] :
    contains(keys(jsondecode(aws_api_gateway_stage.eventgate.access_log_settings[0].format)), k)])
    error_message = "access log format misses a field"
  }

  assert {
    condition     = length(aws_api_gateway_account.eventgate) == 0 && length(aws_iam_role.api_gateway_cloudwatch) == 0
    error_message = "the account-wide API Gateway setting must be opt-in"
  }
}

run "explicit_destinations" {
  command = plan

  variables {
    https_cidrs           = ["10.0.0.0/16"]
    https_prefix_list_ids = ["pl-6da54004"]
    kafka_cidrs           = ["10.1.0.0/24", "10.1.1.0/24"]
    kafka_ports           = [9096]
    postgres_cidrs        = []
    kerberos_kdc_cidrs    = ["192.168.10.0/24"]
    dns_resolver_cidrs    = ["192.168.53.10/32"]
    extra_egress_rules = {
      msk_by_sg = { description = "MSK SG", from_port = 9096, referenced_security_group_id = "sg-0123456789abcdef0" }
      ntp       = { ip_protocol = "udp", from_port = 123, cidr_ipv4 = "192.168.0.0/16" }
    }
  }

  assert {
    condition     = length(data.aws_vpc.eventgate) == 0
    error_message = "the VPC is only read when kafka_cidrs or postgres_cidrs is null"
  }

  assert {
    condition = toset(keys(aws_vpc_security_group_egress_rule.eventgate)) == toset([
      "https 10.0.0.0/16", "https pl-6da54004",
      "kafka 10.1.0.0/24 9096", "kafka 10.1.1.0/24 9096",
      "kerberos 192.168.10.0/24 tcp", "kerberos 192.168.10.0/24 udp",
      "dns 192.168.53.10/32 tcp", "dns 192.168.53.10/32 udp",
      "extra msk_by_sg", "extra ntp",
    ])
    error_message = "unexpected egress rules: ${jsonencode(keys(aws_vpc_security_group_egress_rule.eventgate))}"
  }

  assert {
    condition     = aws_vpc_security_group_egress_rule.eventgate["https pl-6da54004"].prefix_list_id == "pl-6da54004" && aws_vpc_security_group_egress_rule.eventgate["https pl-6da54004"].cidr_ipv4 == null
    error_message = "prefix list rule"
  }

  assert {
    condition     = aws_vpc_security_group_egress_rule.eventgate["extra ntp"].to_port == 123 && aws_vpc_security_group_egress_rule.eventgate["extra ntp"].description == "Extra rule ntp"
    error_message = "extra rule defaults (to_port = from_port, description)"
  }
}

run "legacy_allow_all_and_logging_off" {
  command = plan

  variables {
    egress_allow_all_ipv4  = true
    api_access_log_enabled = false
    throttling_burst_limit = -1
    throttling_rate_limit  = -1
  }

  assert {
    condition     = length(aws_vpc_security_group_egress_rule.eventgate_all_ipv4) == 1 && aws_vpc_security_group_egress_rule.eventgate_all_ipv4[0].ip_protocol == "-1"
    error_message = "egress_allow_all_ipv4 keeps the old rule"
  }

  assert {
    condition     = length(aws_cloudwatch_log_group.api_access) == 0 && length(aws_api_gateway_stage.eventgate.access_log_settings) == 0
    error_message = "no access logging when disabled"
  }
}

run "account_role_created" {
  command = plan

  variables {
    manage_api_gateway_account = true
  }

  assert {
    condition     = length(aws_api_gateway_account.eventgate) == 1 && length(aws_iam_role.api_gateway_cloudwatch) == 1
    error_message = "account setting and role expected"
  }

  assert {
    condition     = aws_iam_role_policy_attachment.api_gateway_cloudwatch[0].policy_arn == "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
    error_message = "managed policy ARN"
  }
}

run "account_role_given" {
  command = plan

  variables {
    manage_api_gateway_account      = true
    api_gateway_cloudwatch_role_arn = "arn:aws:iam::123456789012:role/apigw-cloudwatch"
  }

  assert {
    condition     = length(aws_iam_role.api_gateway_cloudwatch) == 0 && aws_api_gateway_account.eventgate[0].cloudwatch_role_arn == "arn:aws:iam::123456789012:role/apigw-cloudwatch"
    error_message = "a given role is used as is"
  }
}

run "rejects_bad_input" {
  command = plan

  variables {
    https_cidrs            = ["10.0.0.1/16"]
    kafka_ports            = [0]
    throttling_burst_limit = 1.5
    extra_egress_rules = {
      two_destinations = { from_port = 443, cidr_ipv4 = "10.0.0.0/8", prefix_list_id = "pl-1" }
    }
  }

  expect_failures = [
    var.https_cidrs,
    var.kafka_ports,
    var.throttling_burst_limit,
    var.extra_egress_rules,
  ]
}
