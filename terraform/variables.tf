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
