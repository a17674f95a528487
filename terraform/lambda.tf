# ---------------------------------------------------------------------------
# Function
# ---------------------------------------------------------------------------

resource "aws_lambda_function" "eventgate" {
  function_name = local.function_name
  description   = "EventGate event ingestion gateway (Java 17 / Apache Camel)"
  role          = var.lambda_role_arn
  package_type  = var.lambda_package_type
  architectures = [var.lambda_architecture]
  memory_size   = var.memory_size
  timeout       = var.timeout

  # A published version is required for SnapStart; API Gateway then invokes
  # it through the alias below.
  publish = local.snapstart

  # Zip: target/eventgate-lambda.zip uploaded to S3. A re-upload under the
  # same key is only picked up when s3_object_version or source_code_hash
  # changes (the provider compares source_code_hash with Lambda's CodeSha256,
  # so it must be the base64 SHA-256 of the zip, not the S3 ETag).
  s3_bucket         = local.is_zip ? var.lambda_src_s3_bucket : null
  s3_key            = local.is_zip ? var.lambda_src_s3_key : null
  s3_object_version = local.is_zip ? var.lambda_src_s3_object_version : null
  source_code_hash  = local.is_zip ? var.lambda_src_code_sha256 : null
  runtime           = local.is_zip ? "java17" : null
  handler           = local.is_zip ? local.lambda_handler : null

  # Image: built from ../Dockerfile and pushed to ECR.
  image_uri = local.is_zip ? null : var.lambda_src_ecr_image

  dynamic "image_config" {
    for_each = local.is_zip ? [] : [1]
    content {
      command = [local.lambda_handler]
    }
  }

  dynamic "snap_start" {
    for_each = local.snapstart ? [1] : []
    content {
      apply_on = "PublishedVersions"
    }
  }

  vpc_config {
    subnet_ids         = var.lambda_vpc_subnet_ids
    security_group_ids = [aws_security_group.eventgate.id]
  }

  environment {
    variables = merge(local.lambda_environment, local.kafka_environment)
  }

  lifecycle {
    # POST /terminate bumps this variable itself to recycle warm instances.
    ignore_changes = [
      environment[0].variables["EVENTGATE_RELOAD_GENERATION"],
    ]

    precondition {
      condition     = !local.is_zip || (var.lambda_src_s3_bucket != null && var.lambda_src_s3_key != null)
      error_message = "lambda_src_s3_bucket and lambda_src_s3_key are required when lambda_package_type = \"Zip\"."
    }

    precondition {
      condition     = local.is_zip || var.lambda_src_ecr_image != null
      error_message = "lambda_src_ecr_image is required when lambda_package_type = \"Image\"."
    }

    precondition {
      condition     = !var.snapstart_enabled || local.is_zip
      error_message = "snapstart_enabled = true is only supported with lambda_package_type = \"Zip\"."
    }
  }
}

# Stable name that always points at the latest published (SnapStart) version.
resource "aws_lambda_alias" "live" {
  count = local.snapstart ? 1 : 0

  name             = var.lambda_alias_name
  description      = "Version invoked by API Gateway (SnapStart)"
  function_name    = aws_lambda_function.eventgate.function_name
  function_version = aws_lambda_function.eventgate.version
}
