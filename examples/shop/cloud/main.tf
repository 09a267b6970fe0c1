# payments also runs on AWS (ECS Fargate) while it moves out of the cluster: the same logical
# service, a second deployment. Deliberate gaps: no WAF on the public ALB, an HTTP listener
# without redirect, a task role that can read every secret, mutable ECR tags.

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region = var.region
}

variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "payments_version" {
  type = string
}

locals {
  name = "shop-payments"
}

module "network" {
  source = "./network"
  name   = local.name
}

resource "aws_ecr_repository" "payments" {
  name = "payments"
  image_scanning_configuration {
    scan_on_push = true
  }
}

resource "aws_lb" "public" {
  name               = local.name
  load_balancer_type = "application"
  internal           = false
  security_groups    = [module.network.lb_security_group_id]
  subnets            = module.network.public_subnet_ids
  tags = {
    owner = "team-payments"
  }
}

resource "aws_lb_target_group" "payments" {
  name        = "payments"
  port        = 8443
  protocol    = "HTTPS"
  target_type = "ip"
  vpc_id      = module.network.vpc_id
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.public.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = "arn:aws:acm:eu-west-1:111122223333:certificate/5f0c7a52-4c2b-4f1e-9d0a-0d1b2c3d4e5f"
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.payments.arn
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.public.arn
  port              = 80
  protocol          = "HTTP"
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.payments.arn
  }
}

resource "aws_iam_role" "payments" {
  name = "payments-task"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
    }]
  })
}

data "aws_iam_policy_document" "payments" {
  statement {
    sid       = "Secrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "payments" {
  name   = "payments"
  role   = aws_iam_role.payments.id
  policy = data.aws_iam_policy_document.payments.json
}

resource "aws_cloudwatch_log_group" "payments" {
  name              = "/ecs/payments"
  retention_in_days = 365
}

resource "aws_ecs_task_definition" "payments" {
  family                   = "payments"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024
  task_role_arn            = aws_iam_role.payments.arn
  container_definitions = jsonencode([{
    name         = "payments"
    image        = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/payments:${var.payments_version}"
    portMappings = [{ containerPort = 8443 }]
    environment = [
      { name = "ORDERS_URL", value = "https://orders.shop.internal" },
    ]
    secrets = [
      { name = "STRIPE_KEY", valueFrom = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:payments/stripe" },
    ]
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.payments.name
        awslogs-region        = var.region
        awslogs-stream-prefix = "payments"
      }
    }
  }])
}

resource "aws_ecs_service" "payments" {
  name            = "payments"
  launch_type     = "FARGATE"
  desired_count   = 2
  task_definition = aws_ecs_task_definition.payments.arn
  network_configuration {
    subnets          = module.network.private_subnet_ids
    security_groups  = [module.network.app_security_group_id]
    assign_public_ip = false
  }
  load_balancer {
    target_group_arn = aws_lb_target_group.payments.arn
    container_name   = "payments"
    container_port   = 8443
  }
  tags = {
    owner = "team-payments"
  }
}
