locals {
  # Java entry point; the same string is used as the Zip handler and as the
  # container image CMD (see ../Dockerfile).
  lambda_handler = "io.eventgate.frontdoor.LambdaHandler::handleRequest"

  function_name = "${var.resource_prefix}event-gate-lambda"

  is_zip = var.lambda_package_type == "Zip"

  # SnapStart is only available for Zip-packaged java runtimes.
  snapstart = var.snapstart_enabled && local.is_zip

  # Empty values are dropped, so the function falls back to its own defaults.
  # EVENTGATE_* from var.eventgate_settings first (settings.tf): the variables below win.
  lambda_environment = merge(local.settings_environment, {
    for k, v in {
      CONF_DIR               = local.conf_dir
      EVENTGATE_ROUTES_DIR   = var.routes_dir
      LOG_LEVEL              = var.log_level
      POSTGRES_SECRET_NAME   = var.postgres_secret_name
      POSTGRES_SECRET_REGION = var.postgres_secret_name != "" ? coalesce(var.postgres_secret_region, var.aws_region) : ""
      JAVA_TOOL_OPTIONS      = var.java_tool_options
      # Bumped by POST /terminate (lambda:UpdateFunctionConfiguration) to
      # recycle warm instances; ignored by Terraform (see lambda.tf), so a
      # recycle does not show up as drift.
      EVENTGATE_RELOAD_GENERATION = "0"
    } : k => v if v != null && v != ""
  })

  common_tags = merge({ "BuiltBy" = "Terraform" }, var.tags)
}
