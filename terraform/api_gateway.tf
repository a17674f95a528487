# ---------------------------------------------------------------------------
# Private REST API, reachable only through the given execute-api VPC endpoint
# ---------------------------------------------------------------------------

resource "aws_api_gateway_rest_api" "eventgate" {
  name        = "${var.resource_prefix}event-gate-api"
  description = "API for EventGate"

  # Binary answers (the Swagger UI favicons) pass through as bytes; the handler base64-encodes
  # them and decodes base64 request bodies.
  binary_media_types = ["*/*"]

  endpoint_configuration {
    types            = ["PRIVATE"]
    vpc_endpoint_ids = [var.vpc_endpoint]
  }

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = "*"
        Action    = "execute-api:Invoke"
        Resource  = "execute-api:/*"
        Condition = {
          StringEquals = {
            "aws:SourceVpce" = var.vpc_endpoint
          }
        }
      }
    ]
  })
}

locals {
  # Lambda invoked by API Gateway: the SnapStart alias when enabled,
  # otherwise the unqualified function ($LATEST).
  api_lambda_invoke_arn = local.snapstart ? aws_lambda_alias.live[0].invoke_arn : aws_lambda_function.eventgate.invoke_arn

  # First-level resources of the contract (api.yaml).
  api_top_level_paths = toset(["api", "docs", "token", "health", "topics", "terminate", "stats"])
}

resource "aws_api_gateway_resource" "top_level" {
  for_each = local.api_top_level_paths

  rest_api_id = aws_api_gateway_rest_api.eventgate.id
  parent_id   = aws_api_gateway_rest_api.eventgate.root_resource_id
  path_part   = each.key
}

# /topics/{topic_name}
resource "aws_api_gateway_resource" "topic_name" {
  rest_api_id = aws_api_gateway_rest_api.eventgate.id
  parent_id   = aws_api_gateway_resource.top_level["topics"].id
  path_part   = "{topic_name}"
}

# /topics/{topic_name}/batch: a batch publish, declared rather than left to the catch-all
resource "aws_api_gateway_resource" "topic_batch" {
  rest_api_id = aws_api_gateway_rest_api.eventgate.id
  parent_id   = aws_api_gateway_resource.topic_name.id
  path_part   = "batch"
}

# /stats/{topic_name}: served by the same function (see README, "Endpoints")
resource "aws_api_gateway_resource" "stats_topic_name" {
  rest_api_id = aws_api_gateway_rest_api.eventgate.id
  parent_id   = aws_api_gateway_resource.top_level["stats"].id
  path_part   = "{topic_name}"
}

# Catch-all: any other path is forwarded too, the function answers 404 itself.
resource "aws_api_gateway_resource" "proxy" {
  rest_api_id = aws_api_gateway_rest_api.eventgate.id
  parent_id   = aws_api_gateway_rest_api.eventgate.root_resource_id
  path_part   = "{proxy+}"
}

locals {
  # route key => resource, HTTP method and required path parameters.
  api_routes = {
    api_get = {
      resource_id = aws_api_gateway_resource.top_level["api"].id
      http_method = "GET"
      path_params = []
    }
    docs_get = {
      resource_id = aws_api_gateway_resource.top_level["docs"].id
      http_method = "GET"
      path_params = []
    }
    token_get = {
      resource_id = aws_api_gateway_resource.top_level["token"].id
      http_method = "GET"
      path_params = []
    }
    health_get = {
      resource_id = aws_api_gateway_resource.top_level["health"].id
      http_method = "GET"
      path_params = []
    }
    topics_get = {
      resource_id = aws_api_gateway_resource.top_level["topics"].id
      http_method = "GET"
      path_params = []
    }
    topic_name_get = {
      resource_id = aws_api_gateway_resource.topic_name.id
      http_method = "GET"
      path_params = ["topic_name"]
    }
    topic_name_post = {
      resource_id = aws_api_gateway_resource.topic_name.id
      http_method = "POST"
      path_params = ["topic_name"]
    }
    topic_batch_post = {
      resource_id = aws_api_gateway_resource.topic_batch.id
      http_method = "POST"
      path_params = ["topic_name"]
    }
    stats_topic_name_post = {
      resource_id = aws_api_gateway_resource.stats_topic_name.id
      http_method = "POST"
      path_params = ["topic_name"]
    }
    terminate_post = {
      resource_id = aws_api_gateway_resource.top_level["terminate"].id
      http_method = "POST"
      path_params = []
    }
    root_any = {
      resource_id = aws_api_gateway_rest_api.eventgate.root_resource_id
      http_method = "ANY"
      path_params = []
    }
    proxy_any = {
      resource_id = aws_api_gateway_resource.proxy.id
      http_method = "ANY"
      path_params = ["proxy"]
    }
  }
}

resource "aws_api_gateway_method" "route" {
  for_each = local.api_routes

  rest_api_id   = aws_api_gateway_rest_api.eventgate.id
  resource_id   = each.value.resource_id
  http_method   = each.value.http_method
  authorization = "NONE" # JWT validation is done by the function itself.

  request_parameters = {
    for p in each.value.path_params : "method.request.path.${p}" => true
  }
}

# Lambda proxy integration for every route (REST API payload format 1.0).
resource "aws_api_gateway_integration" "route" {
  for_each = local.api_routes

  rest_api_id             = aws_api_gateway_rest_api.eventgate.id
  resource_id             = each.value.resource_id
  http_method             = aws_api_gateway_method.route[each.key].http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = local.api_lambda_invoke_arn
}

resource "aws_lambda_permission" "api_gateway" {
  statement_id  = "AllowExecutionFromApiGateway"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.eventgate.function_name
  qualifier     = local.snapstart ? aws_lambda_alias.live[0].name : null
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.eventgate.execution_arn}/*"
}

resource "aws_api_gateway_deployment" "eventgate" {
  rest_api_id = aws_api_gateway_rest_api.eventgate.id

  triggers = {
    redeployment = sha1(jsonencode([
      aws_api_gateway_rest_api.eventgate.policy,
      aws_api_gateway_resource.top_level,
      aws_api_gateway_resource.topic_name,
      aws_api_gateway_resource.topic_batch,
      aws_api_gateway_resource.stats_topic_name,
      aws_api_gateway_resource.proxy,
      aws_api_gateway_method.route,
      aws_api_gateway_integration.route,
    ]))
  }

  lifecycle {
    create_before_destroy = true
  }

  depends_on = [
    aws_api_gateway_method.route,
    aws_api_gateway_integration.route,
  ]
}

# ---------------------------------------------------------------------------
# Stage, throttling, access logging
# ---------------------------------------------------------------------------

locals {
  # One JSON line per request. integrationError is the Lambda invocation error
  # (not an error answer of the function); errorMessage is API Gateway's own
  # (throttled, missing route, ...). Values are logged as strings, "-" when empty.
  api_access_log_default_format = jsonencode({
    requestId         = "$context.requestId"
    ip                = "$context.identity.sourceIp"
    caller            = "$context.identity.caller"
    user              = "$context.identity.user"
    vpceId            = "$context.identity.vpceId"
    requestTime       = "$context.requestTime"
    httpMethod        = "$context.httpMethod"
    resourcePath      = "$context.resourcePath"
    status            = "$context.status"
    protocol          = "$context.protocol"
    responseLength    = "$context.responseLength"
    responseLatency   = "$context.responseLatency"
    integrationStatus = "$context.integration.status"
    integrationError  = "$context.integrationErrorMessage"
    errorMessage      = "$context.error.message"
  })
}

resource "aws_cloudwatch_log_group" "api_access" {
  count = var.api_access_log_enabled ? 1 : 0

  name              = "/aws/apigateway/${var.resource_prefix}event-gate-api/${var.api_stage_name}/access"
  retention_in_days = var.api_access_log_retention_days
  kms_key_id        = var.api_access_log_kms_key_id
}

resource "aws_api_gateway_stage" "eventgate" {
  rest_api_id   = aws_api_gateway_rest_api.eventgate.id
  deployment_id = aws_api_gateway_deployment.eventgate.id
  stage_name    = var.api_stage_name

  dynamic "access_log_settings" {
    for_each = var.api_access_log_enabled ? [1] : []
    content {
      destination_arn = aws_cloudwatch_log_group.api_access[0].arn
      format          = coalesce(var.api_access_log_format, local.api_access_log_default_format)
    }
  }

  # API Gateway refuses access logging while the account has no CloudWatch
  # role; when this stack sets it, set it first.
  depends_on = [aws_api_gateway_account.eventgate]
}

# Stage-wide throttling on every method ("*/*"), all clients together; requests
# beyond it get 429 without invoking the function.
resource "aws_api_gateway_method_settings" "all" {
  rest_api_id = aws_api_gateway_rest_api.eventgate.id
  stage_name  = aws_api_gateway_stage.eventgate.stage_name
  method_path = "*/*"

  settings {
    throttling_burst_limit = var.throttling_burst_limit
    throttling_rate_limit  = var.throttling_rate_limit
  }
}

# ---------------------------------------------------------------------------
# Account-wide (per region) CloudWatch role of API Gateway, opt-in
# ---------------------------------------------------------------------------

data "aws_partition" "current" {}

locals {
  create_api_gateway_cloudwatch_role = var.manage_api_gateway_account && var.api_gateway_cloudwatch_role_arn == null
}

resource "aws_iam_role" "api_gateway_cloudwatch" {
  count = local.create_api_gateway_cloudwatch_role ? 1 : 0

  name        = "${var.resource_prefix}event-gate-apigw-cloudwatch"
  description = "Lets API Gateway write CloudWatch logs in this account and region (aws_api_gateway_account)"

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = { Service = "apigateway.amazonaws.com" }
        Action    = "sts:AssumeRole"
      }
    ]
  })
}

resource "aws_iam_role_policy_attachment" "api_gateway_cloudwatch" {
  count = local.create_api_gateway_cloudwatch_role ? 1 : 0

  role       = aws_iam_role.api_gateway_cloudwatch[0].name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
}

resource "aws_api_gateway_account" "eventgate" {
  count = var.manage_api_gateway_account ? 1 : 0

  cloudwatch_role_arn = local.create_api_gateway_cloudwatch_role ? aws_iam_role.api_gateway_cloudwatch[0].arn : var.api_gateway_cloudwatch_role_arn

  # The role must carry its policy before API Gateway checks it.
  depends_on = [aws_iam_role_policy_attachment.api_gateway_cloudwatch]
}
