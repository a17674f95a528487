# The EventGate settings map and the configuration folder on S3, offline:
#   terraform init -backend=false && terraform test
# (the AWS provider is mocked: no credentials or network.)

mock_provider "aws" {
  mock_data "aws_vpc" {
    defaults = {
      cidr_block              = "10.0.0.0/16"
      cidr_block_associations = [{ association_id = "vpc-cidr-assoc-1", cidr_block = "10.0.0.0/16", state = "associated" }]
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

run "settings_become_the_eventgate_environment" {
  command = plan

  variables {
    eventgate_settings = {
      kafka_bootstrap_server    = "b-1.msk.example:9096,b-2.msk.example:9096"
      token_public_keys_url     = "https://login.example.com/token/public-keys"
      "sinks.kafka.timeout_ms"  = "3000"
      "kafka.security.protocol" = "SASL_SSL"
      "sinks.web-hook.url"      = "https://hooks.example.com/eventgate"
    }
    conf_s3_uri = "s3://my-config/eventgate/prod/"
  }

  assert {
    condition = aws_lambda_function.eventgate.environment[0].variables == tomap({
      EVENTGATE_KAFKA_BOOTSTRAP_SERVER  = "b-1.msk.example:9096,b-2.msk.example:9096"
      EVENTGATE_TOKEN_PUBLIC_KEYS_URL   = "https://login.example.com/token/public-keys"
      EVENTGATE_SINKS_KAFKA_TIMEOUT_MS  = "3000"
      EVENTGATE_KAFKA_SECURITY_PROTOCOL = "SASL_SSL"
      EVENTGATE_SINKS_WEB_HOOK_URL      = "https://hooks.example.com/eventgate"
      CONF_DIR                          = "s3://my-config/eventgate/prod/"
      LOG_LEVEL                         = "INFO"
      JAVA_TOOL_OPTIONS                 = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1"
      EVENTGATE_RELOAD_GENERATION       = "0"
    })
    error_message = "unexpected environment: ${jsonencode(aws_lambda_function.eventgate.environment[0].variables)}"
  }

  assert {
    condition     = output.conf_dir == "s3://my-config/eventgate/prod/"
    error_message = "conf_dir output"
  }

  assert {
    condition = jsondecode(output.conf_s3_read_policy_json).Statement == [
      {
        Sid       = "ListConfigurationFolder"
        Effect    = "Allow"
        Action    = "s3:ListBucket"
        Resource  = "arn:aws:s3:::my-config"
        Condition = { StringLike = { "s3:prefix" = ["eventgate/prod/*"] } }
      },
      {
        Sid      = "ReadConfigurationFolder"
        Effect   = "Allow"
        Action   = "s3:GetObject"
        Resource = "arn:aws:s3:::my-config/eventgate/prod/*"
      },
    ]
    error_message = "unexpected policy: ${output.conf_s3_read_policy_json}"
  }
}

run "without_settings_the_environment_is_as_before" {
  command = plan

  variables {
    conf_dir = "conf"
  }

  assert {
    condition     = aws_lambda_function.eventgate.environment[0].variables["CONF_DIR"] == "conf"
    error_message = "conf_dir is CONF_DIR without conf_s3_uri"
  }

  assert {
    condition     = length([for k in keys(aws_lambda_function.eventgate.environment[0].variables) : k if startswith(k, "EVENTGATE_") && k != "EVENTGATE_RELOAD_GENERATION"]) == 0
    error_message = "no EVENTGATE_ setting without eventgate_settings"
  }

  assert {
    condition     = output.conf_s3_read_policy_json == null
    error_message = "no S3 policy without conf_s3_uri"
  }
}

run "the_settings_cannot_set_the_function_s_own_variables" {
  command = plan

  variables {
    eventgate_settings = { reload_generation = "7" }
  }

  expect_failures = [var.eventgate_settings]
}

run "a_setting_name_must_make_a_variable_name" {
  command = plan

  variables {
    eventgate_settings = { "kafka bootstrap" = "x" }
  }

  expect_failures = [var.eventgate_settings]
}

run "the_configuration_folder_must_be_an_s3_folder" {
  command = plan

  variables {
    conf_s3_uri = "s3://my-config/eventgate/prod"
  }

  expect_failures = [var.conf_s3_uri]
}
