output "api_id" {
  description = "ID of the private REST API."
  value       = aws_api_gateway_rest_api.eventgate.id
}

output "api_invoke_url" {
  description = "Stage invoke URL (resolvable inside the VPC when private DNS is enabled on the VPC endpoint)."
  value       = aws_api_gateway_stage.eventgate.invoke_url
}

output "api_vpce_invoke_url" {
  description = "Stage invoke URL via the VPC-endpoint-specific host name (works without private DNS)."
  value       = "https://${aws_api_gateway_rest_api.eventgate.id}-${var.vpc_endpoint}.execute-api.${var.aws_region}.amazonaws.com/${aws_api_gateway_stage.eventgate.stage_name}"
}

output "lambda_function_name" {
  description = "Name of the EventGate Lambda."
  value       = aws_lambda_function.eventgate.function_name
}

output "lambda_function_arn" {
  description = "Unqualified ARN of the EventGate Lambda."
  value       = aws_lambda_function.eventgate.arn
}

output "lambda_function_version" {
  description = "Latest published version ($LATEST when SnapStart is off)."
  value       = aws_lambda_function.eventgate.version
}

output "lambda_alias_arn" {
  description = "ARN of the alias invoked by API Gateway (null when SnapStart is off)."
  value       = local.snapstart ? aws_lambda_alias.live[0].arn : null
}

output "lambda_invoked_arn" {
  description = "ARN API Gateway invokes: the alias with SnapStart, else the function."
  value       = local.snapstart ? aws_lambda_alias.live[0].arn : aws_lambda_function.eventgate.arn
}

output "lambda_handler" {
  description = "Java handler (Zip handler / container CMD)."
  value       = local.lambda_handler
}

output "lambda_security_group_id" {
  description = "Security group attached to the Lambda (allow it on Kafka/Postgres ingress rules)."
  value       = aws_security_group.eventgate.id
}
