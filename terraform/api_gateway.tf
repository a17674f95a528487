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
  api_top_level_paths = toset(["api", "docs", "token", "health", "topics", "terminate"])
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

resource "aws_api_gateway_stage" "eventgate" {
  rest_api_id   = aws_api_gateway_rest_api.eventgate.id
  deployment_id = aws_api_gateway_deployment.eventgate.id
  stage_name    = var.api_stage_name
}
