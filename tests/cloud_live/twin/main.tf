# The Terraform twin of the account tests/cloud_live/seed.py creates on the moto server:
# the same resources, written as Terraform code. The cloud rules must find the same things
# on both (test_live_account.py).

locals {
  account = "123456789012"
  region  = "eu-west-1"
}

# ---- IAM -----------------------------------------------------------------------------------
resource "aws_iam_role" "bad-admin-task" {
  name = "bad-admin-task"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role_policy_attachment" "bad-admin-task-admin" {
  role       = aws_iam_role.bad-admin-task.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_role_policy" "read-all-secrets" {
  name = "read-all-secrets"
  role = aws_iam_role.bad-admin-task.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "secretsmanager:GetSecretValue", Resource = "*" }]
  })
}

resource "aws_iam_role" "bad-open-trust" {
  name = "bad-open-trust"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role" "good-task" {
  name = "good-task"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role_policy" "read-orders-secret" {
  name = "read-orders-secret"
  role = aws_iam_role.good-task.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "secretsmanager:GetSecretValue"
      Resource = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders-db-AbCdEf"
    }]
  })
}

resource "aws_iam_role" "good-lambda" {
  name = "good-lambda"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role" "keys-lambda" {
  name = "keys-lambda"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_policy" "bad-everything" {
  name = "bad-everything"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
  })
}

resource "aws_iam_role_policy_attachment" "good-lambda-everything" {
  role       = aws_iam_role.good-lambda.name
  policy_arn = aws_iam_policy.bad-everything.arn
}

resource "aws_iam_user" "bad-deployer" {
  name = "bad-deployer"
}

resource "aws_iam_access_key" "bad-deployer" {
  user = aws_iam_user.bad-deployer.name
}

resource "aws_iam_instance_profile" "web-profile" {
  name = "web-profile"
  role = aws_iam_role.good-task.name
}

# ---- network -------------------------------------------------------------------------------
resource "aws_vpc" "default" { # the account's default VPC: no flow log
  cidr_block = "172.31.0.0/16"
}

resource "aws_vpc" "shop" {
  cidr_block = "10.20.0.0/16"
}

resource "aws_subnet" "public" {
  vpc_id            = aws_vpc.shop.id
  cidr_block        = "10.20.1.0/24"
  availability_zone = "eu-west-1a"
}

resource "aws_subnet" "private" {
  vpc_id            = aws_vpc.shop.id
  cidr_block        = "10.20.2.0/24"
  availability_zone = "eu-west-1b"
}

resource "aws_internet_gateway" "shop" {
  vpc_id = aws_vpc.shop.id
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.shop.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.shop.id
  }
}

resource "aws_route_table_association" "public" {
  subnet_id      = aws_subnet.public.id
  route_table_id = aws_route_table.public.id
}

resource "aws_security_group" "bad-db-open" {
  name        = "bad-db-open"
  description = "db open"
  vpc_id      = aws_vpc.shop.id
  ingress {
    from_port        = 5432
    to_port          = 5432
    protocol         = "tcp"
    cidr_blocks      = ["0.0.0.0/0"]
    ipv6_cidr_blocks = ["::/0"]
    description      = "anyone"
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "good-web" {
  name        = "good-web"
  description = "web"
  vpc_id      = aws_vpc.shop.id
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "good-app" {
  name        = "good-app"
  description = "app"
  vpc_id      = aws_vpc.shop.id
  ingress {
    from_port       = 8080
    to_port         = 8080
    protocol        = "tcp"
    security_groups = [aws_security_group.good-web.id]
    self            = true
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_cloudwatch_log_group" "bad-no-retention" {
  name = "bad-no-retention"
}

resource "aws_cloudwatch_log_group" "good-flow-logs" {
  name              = "good-flow-logs"
  retention_in_days = 365
}

resource "aws_flow_log" "shop" {
  vpc_id          = aws_vpc.shop.id
  traffic_type    = "ALL"
  log_destination = aws_cloudwatch_log_group.good-flow-logs.arn
  iam_role_arn    = "arn:aws:iam::123456789012:role/flow"
}

resource "aws_instance" "web" {
  ami                         = "ami-03cf127a"
  instance_type               = "t3.micro"
  subnet_id                   = aws_subnet.public.id
  vpc_security_group_ids      = [aws_security_group.good-web.id]
  associate_public_ip_address = true
  iam_instance_profile        = aws_iam_instance_profile.web-profile.name
  user_data                   = "#!/bin/sh\nexport APP_ENV=prod\n/usr/local/bin/start-web\n"
  metadata_options {
    http_tokens = "required"
  }
}

resource "aws_eip" "web" {
  domain   = "vpc"
  instance = aws_instance.web.id
}

# ---- edge ----------------------------------------------------------------------------------
resource "aws_lb" "bad-public-alb" {
  name               = "bad-public-alb"
  internal           = false
  load_balancer_type = "application"
  security_groups    = [aws_security_group.good-web.id]
  subnets            = [aws_subnet.public.id, aws_subnet.private.id]
}

resource "aws_lb" "good-public-alb" {
  name               = "good-public-alb"
  internal           = false
  load_balancer_type = "application"
  security_groups    = [aws_security_group.good-web.id]
  subnets            = [aws_subnet.public.id, aws_subnet.private.id]
}

resource "aws_lb_target_group" "orders" {
  name        = "orders"
  port        = 8080
  protocol    = "HTTP"
  vpc_id      = aws_vpc.shop.id
  target_type = "ip"
}

resource "aws_lb_target_group_attachment" "orders" {
  target_group_arn = aws_lb_target_group.orders.arn
  target_id        = "10.20.2.10"
  port             = 8080
}

resource "aws_lb_listener" "bad-http" {
  load_balancer_arn = aws_lb.bad-public-alb.arn
  port              = 80
  protocol          = "HTTP"
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.orders.arn
  }
}

resource "aws_lb_listener_rule" "admin" {
  listener_arn = aws_lb_listener.bad-http.arn
  priority     = 10
  action {
    type = "fixed-response"
    fixed_response {
      status_code  = "403"
      content_type = "text/plain"
      message_body = "no"
    }
  }
  condition {
    path_pattern {
      values = ["/admin/*"]
    }
  }
}

resource "aws_lb_listener" "good-redirect" {
  load_balancer_arn = aws_lb.good-public-alb.arn
  port              = 80
  protocol          = "HTTP"
  default_action {
    type = "redirect"
    redirect {
      protocol    = "HTTPS"
      port        = "443"
      status_code = "HTTP_301"
    }
  }
}

resource "aws_wafv2_web_acl" "edge" {
  name  = "edge"
  scope = "REGIONAL"
  default_action {
    allow {}
  }
  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "edge"
    sampled_requests_enabled   = true
  }
}

resource "aws_wafv2_web_acl_association" "good" {
  resource_arn = aws_lb.good-public-alb.arn
  web_acl_arn  = aws_wafv2_web_acl.edge.arn
}

resource "aws_api_gateway_rest_api" "shop-rest" {
  name = "shop-rest"
  endpoint_configuration {
    types = ["REGIONAL"]
  }
}

resource "aws_api_gateway_resource" "orders" {
  rest_api_id = aws_api_gateway_rest_api.shop-rest.id
  parent_id   = aws_api_gateway_rest_api.shop-rest.root_resource_id
  path_part   = "orders"
}

resource "aws_api_gateway_method" "get-orders" {
  rest_api_id   = aws_api_gateway_rest_api.shop-rest.id
  resource_id   = aws_api_gateway_resource.orders.id
  http_method   = "GET"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "get-orders" {
  rest_api_id             = aws_api_gateway_rest_api.shop-rest.id
  resource_id             = aws_api_gateway_resource.orders.id
  http_method             = aws_api_gateway_method.get-orders.http_method
  type                    = "HTTP_PROXY"
  integration_http_method = "GET"
  uri                     = "http://orders.shop.local/orders"
}

resource "aws_api_gateway_deployment" "shop-rest" {
  rest_api_id = aws_api_gateway_rest_api.shop-rest.id
}

resource "aws_api_gateway_stage" "shop-rest-prod" {
  rest_api_id   = aws_api_gateway_rest_api.shop-rest.id
  deployment_id = aws_api_gateway_deployment.shop-rest.id
  stage_name    = "prod"
}

resource "aws_api_gateway_rest_api" "good-rest" {
  name = "good-rest"
}

resource "aws_api_gateway_method" "good-root" {
  rest_api_id   = aws_api_gateway_rest_api.good-rest.id
  resource_id   = aws_api_gateway_rest_api.good-rest.root_resource_id
  http_method   = "GET"
  authorization = "AWS_IAM"
}

resource "aws_api_gateway_deployment" "good-rest" {
  rest_api_id = aws_api_gateway_rest_api.good-rest.id
}

resource "aws_api_gateway_stage" "good-rest-prod" {
  rest_api_id   = aws_api_gateway_rest_api.good-rest.id
  deployment_id = aws_api_gateway_deployment.good-rest.id
  stage_name    = "prod"
}

resource "aws_api_gateway_method_settings" "good-rest-all" {
  rest_api_id = aws_api_gateway_rest_api.good-rest.id
  stage_name  = aws_api_gateway_stage.good-rest-prod.stage_name
  method_path = "*/*"
  settings {
    throttling_rate_limit  = 100
    throttling_burst_limit = 200
  }
}

resource "aws_api_gateway_usage_plan" "partners" {
  name = "partners"
  api_stages {
    api_id = aws_api_gateway_rest_api.good-rest.id
    stage  = aws_api_gateway_stage.good-rest-prod.stage_name
  }
  throttle_settings {
    burst_limit = 20
    rate_limit  = 10
  }
}

resource "aws_apigatewayv2_api" "shop-http" {
  name          = "shop-http"
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_authorizer" "jwt" {
  api_id           = aws_apigatewayv2_api.shop-http.id
  authorizer_type  = "JWT"
  name             = "jwt"
  identity_sources = ["$request.header.Authorization"]
  jwt_configuration {
    audience = ["shop"]
    issuer   = "https://idp.shop.example"
  }
}

resource "aws_apigatewayv2_route" "get-items" {
  api_id             = aws_apigatewayv2_api.shop-http.id
  route_key          = "GET /items"
  authorization_type = "NONE"
}

resource "aws_apigatewayv2_route" "post-orders" {
  api_id             = aws_apigatewayv2_api.shop-http.id
  route_key          = "POST /orders"
  authorization_type = "JWT"
  authorizer_id      = aws_apigatewayv2_authorizer.jwt.id
}

resource "aws_apigatewayv2_stage" "live" {
  api_id = aws_apigatewayv2_api.shop-http.id
  name   = "live"
  default_route_settings {
    throttling_burst_limit = 100
    throttling_rate_limit  = 50
  }
}

# ---- workloads -----------------------------------------------------------------------------
resource "aws_ecs_cluster" "shop" {
  name = "shop"
}

resource "aws_ecs_task_definition" "orders" {
  family                   = "orders"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "256"
  memory                   = "512"
  task_role_arn            = aws_iam_role.bad-admin-task.arn
  execution_role_arn       = aws_iam_role.good-task.arn
  container_definitions = jsonencode([{
    name         = "orders"
    image        = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders:1.4"
    essential    = true
    portMappings = [{ containerPort = 8080, protocol = "tcp" }]
    environment  = [{ name = "PAYMENTS_URL", value = "http://payments.shop.local:8080" }]
    secrets      = [{ name = "DB_PASSWORD", valueFrom = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders-db-AbCdEf" }]
  }])
}

resource "aws_ecs_task_definition" "payments" {
  family                   = "payments"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "256"
  memory                   = "512"
  task_role_arn            = aws_iam_role.bad-admin-task.arn
  container_definitions    = jsonencode([{ name = "payments", image = "example/payments:2.0.1", essential = true }])
}

resource "aws_ecs_service" "orders" {
  name            = "orders"
  cluster         = aws_ecs_cluster.shop.id
  task_definition = aws_ecs_task_definition.orders.arn
  desired_count   = 2
  launch_type     = "FARGATE"
  network_configuration {
    subnets          = [aws_subnet.private.id]
    security_groups  = [aws_security_group.good-app.id]
    assign_public_ip = false
  }
  load_balancer {
    target_group_arn = aws_lb_target_group.orders.arn
    container_name   = "orders"
    container_port   = 8080
  }
}

resource "aws_ecs_service" "payments" {
  name            = "payments"
  cluster         = aws_ecs_cluster.shop.id
  task_definition = aws_ecs_task_definition.payments.arn
  desired_count   = 1
  launch_type     = "FARGATE"
}

resource "aws_sqs_queue" "orders-events" {
  name = "orders-events"
}

resource "aws_lambda_function" "bad-public-url" {
  function_name = "bad-public-url"
  runtime       = "python3.12"
  role          = aws_iam_role.good-lambda.arn
  handler       = "handler.handler"
  filename      = "handler.zip"
  environment {
    variables = {
      ORDERS_URL = "https://orders.shop.local"
    }
  }
}

resource "aws_lambda_function_url" "bad-public-url" {
  function_name      = aws_lambda_function.bad-public-url.function_name
  authorization_type = "NONE"
}

resource "aws_lambda_event_source_mapping" "orders-events" {
  event_source_arn = aws_sqs_queue.orders-events.arn
  function_name    = aws_lambda_function.bad-public-url.arn
  batch_size       = 10
}

resource "aws_lambda_function" "bad-literal-key" {
  function_name = "bad-literal-key"
  runtime       = "python3.12"
  role          = aws_iam_role.keys-lambda.arn
  handler       = "handler.handler"
  filename      = "handler.zip"
  environment {
    variables = {
      STRIPE_KEY = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"
    }
  }
}

resource "aws_eks_cluster" "bad-public-eks" {
  name     = "bad-public-eks"
  role_arn = aws_iam_role.good-task.arn
  vpc_config {
    subnet_ids              = [aws_subnet.public.id, aws_subnet.private.id]
    endpoint_public_access  = true
    endpoint_private_access = false
  }
}

# ---- datastores ----------------------------------------------------------------------------
resource "aws_db_instance" "bad-public-db" {
  identifier             = "bad-public-db"
  engine                 = "postgres"
  engine_version         = "9.3.3" # default parameters: rds.force_ssl = 0
  instance_class         = "db.t3.micro"
  allocated_storage      = 20
  username               = "orders"
  manage_master_user_password = true
  publicly_accessible    = true
  storage_encrypted      = false
  vpc_security_group_ids = [aws_security_group.bad-db-open.id]
}

resource "aws_db_parameter_group" "orders-tls" {
  name   = "orders-tls"
  family = "postgres16"
  parameter {
    name         = "rds.force_ssl"
    value        = "1"
    apply_method = "immediate"
  }
}

resource "aws_db_instance" "good-private-db" {
  identifier             = "good-private-db"
  engine                 = "postgres"
  engine_version         = "16.3"
  parameter_group_name   = aws_db_parameter_group.orders-tls.name
  instance_class         = "db.t3.micro"
  allocated_storage      = 20
  username               = "orders"
  manage_master_user_password = true
  publicly_accessible    = false
  storage_encrypted      = true
  vpc_security_group_ids = [aws_security_group.good-app.id]
}

resource "aws_rds_cluster_parameter_group" "ledger-tls" {
  name   = "ledger-tls"
  family = "aurora-postgresql16"
  parameter {
    name         = "rds.force_ssl"
    value        = "1"
    apply_method = "immediate"
  }
}

resource "aws_rds_cluster" "good-ledger" {
  cluster_identifier              = "good-ledger"
  engine                          = "aurora-postgresql"
  engine_version                  = "16.4"
  master_username                 = "ledger"
  manage_master_user_password     = true
  storage_encrypted               = true
  db_cluster_parameter_group_name = aws_rds_cluster_parameter_group.ledger-tls.name
  vpc_security_group_ids          = [aws_security_group.good-app.id]
}

resource "aws_rds_cluster_instance" "good-ledger-1" {
  identifier         = "good-ledger-1"
  cluster_identifier = aws_rds_cluster.good-ledger.id
  engine             = "aurora-postgresql"
  instance_class     = "db.r6g.large"
}

resource "aws_elasticache_cluster" "bad-memcached" {
  cluster_id      = "bad-memcached"
  engine          = "memcached"
  node_type       = "cache.t3.micro"
  num_cache_nodes = 1
}

resource "aws_elasticache_replication_group" "bad-plain-redis" {
  replication_group_id       = "bad-plain-redis"
  description                = "sessions"
  engine                     = "redis"
  node_type                  = "cache.t3.micro"
  num_cache_clusters         = 1
  transit_encryption_enabled = false
}

resource "aws_elasticache_replication_group" "good-tls-redis" {
  replication_group_id       = "good-tls-redis"
  description                = "carts"
  engine                     = "redis"
  node_type                  = "cache.t3.micro"
  num_cache_clusters         = 1
  transit_encryption_enabled = true
  at_rest_encryption_enabled = true
  auth_token                 = var.redis_auth_token
}

variable "redis_auth_token" {
  type      = string
  sensitive = true
}

# ---- logging, registries, secrets ----------------------------------------------------------
resource "aws_s3_bucket" "bad-trail-logs" {
  bucket = "bad-trail-logs"
}

resource "aws_s3_bucket" "good-audit-logs" {
  bucket              = "good-audit-logs"
  object_lock_enabled = true
}

resource "aws_s3_bucket_versioning" "good-audit-logs" {
  bucket = aws_s3_bucket.good-audit-logs.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_object_lock_configuration" "good-audit-logs" {
  bucket = aws_s3_bucket.good-audit-logs.id
  rule {
    default_retention {
      mode = "COMPLIANCE"
      days = 365
    }
  }
}

resource "aws_s3_bucket_public_access_block" "good-audit-logs" {
  bucket                  = aws_s3_bucket.good-audit-logs.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_cloudtrail" "bad-single-region" {
  name           = "bad-single-region"
  s3_bucket_name = aws_s3_bucket.bad-trail-logs.id
}

resource "aws_cloudtrail" "good-org-trail" {
  name                       = "good-org-trail"
  s3_bucket_name             = aws_s3_bucket.good-audit-logs.id
  is_multi_region_trail      = true
  enable_log_file_validation = true
}

resource "aws_ecr_repository" "bad-mutable" {
  name = "bad-mutable"
}

resource "aws_ecr_repository_policy" "bad-mutable" {
  repository = aws_ecr_repository.bad-mutable.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "pull"
      Effect    = "Allow"
      Principal = "*"
      Action    = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    }]
  })
}

resource "aws_ecr_repository" "good-immutable" {
  name                 = "good-immutable"
  image_tag_mutability = "IMMUTABLE"
  image_scanning_configuration {
    scan_on_push = true
  }
}

resource "aws_kms_key" "orders" {
  description         = "orders data"
  enable_key_rotation = true
}

resource "aws_kms_alias" "orders" {
  name          = "alias/orders"
  target_key_id = aws_kms_key.orders.key_id
}

resource "aws_secretsmanager_secret" "orders-db" {
  name       = "orders-db"
  kms_key_id = aws_kms_key.orders.key_id
}
