"""Generate a Terraform tree of N resources: stacks of services, each with the resources a real
ECS service has (security groups and rules, task definition, service, IAM role and policies,
log group, ECR repository, target group), variables, locals, tfvars and a local module.

    python -m bench.terraform.generate DEST --resources 5000
"""

from __future__ import annotations

import argparse
from pathlib import Path

PER_SERVICE = 10  # resources written per service below
SERVICES_PER_STACK = 10

MODULE = '''variable "name" {
  type = string
}

variable "cidr" {
  type = string
}

resource "aws_vpc" "this" {
  cidr_block = var.cidr
  tags = {
    Name = var.name
  }
}

output "vpc_id" {
  value = aws_vpc.this.id
}
'''

STACK_HEAD = '''variable "env" {
  type    = string
  default = "dev"
}

variable "registry" {
  type = string
}

locals {
  prefix = "${var.env}-STACK"
  ports  = { http = 80, https = 443 }
}

module "net" {
  source = "../modules/net"
  name   = local.prefix
  cidr   = "10.0.0.0/16"
}
'''

SERVICE = '''
resource "aws_security_group" "NAME" {
  name   = "${local.prefix}-NAME"
  vpc_id = module.net.vpc_id

  dynamic "ingress" {
    for_each = local.ports
    content {
      description     = ingress.key
      from_port       = ingress.value
      to_port         = ingress.value
      protocol        = "tcp"
      security_groups = [aws_security_group.NAME_lb.id]
    }
  }
}

resource "aws_security_group" "NAME_lb" {
  name   = "${local.prefix}-NAME-lb"
  vpc_id = module.net.vpc_id
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group_rule" "NAME_ssh" {
  type              = "ingress"
  security_group_id = aws_security_group.NAME.id
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  cidr_blocks       = ["SSH_CIDR"]
}

resource "aws_iam_role" "NAME" {
  name = "${local.prefix}-NAME"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy" "NAME" {
  role = aws_iam_role.NAME.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = ["sqs:SendMessage"], Resource = "ACTION_RESOURCE" },
      { Effect = "Allow", Action = ["secretsmanager:GetSecretValue"], Resource = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:NAME/*" },
    ]
  })
}

resource "aws_cloudwatch_log_group" "NAME" {
  name              = "/ecs/${local.prefix}/NAME"
  retention_in_days = 30
}

resource "aws_ecr_repository" "NAME" {
  name                 = "NAME"
  image_tag_mutability = "IMMUTABLE"
  image_scanning_configuration {
    scan_on_push = true
  }
}

resource "aws_lb_target_group" "NAME" {
  name     = "NAME"
  port     = 8080
  protocol = "HTTP"
  vpc_id   = module.net.vpc_id
}

resource "aws_ecs_task_definition" "NAME" {
  family        = "NAME"
  task_role_arn = aws_iam_role.NAME.arn
  container_definitions = jsonencode([{
    name         = "NAME"
    image        = "${var.registry}/NAME:1.0.0"
    portMappings = [{ containerPort = 8080 }]
    environment = [
      { name = "NEXT_URL", value = "http://NEXT.shop.internal:8080" },
      { name = "LOG_LEVEL", value = "info" },
    ]
    logConfiguration = {
      logDriver = "awslogs"
      options   = { awslogs-group = aws_cloudwatch_log_group.NAME.name, awslogs-region = "eu-west-1" }
    }
  }])
}

resource "aws_ecs_service" "NAME" {
  name            = "NAME"
  task_definition = aws_ecs_task_definition.NAME.arn
  network_configuration {
    subnets         = ["subnet-0abc"]
    security_groups = [aws_security_group.NAME.id]
  }
  load_balancer {
    target_group_arn = aws_lb_target_group.NAME.arn
    container_name   = "NAME"
    container_port   = 8080
  }
}
'''


def generate(dest: Path, resources: int) -> int:
    """Write the tree; return the number of resources written (modules included)."""
    services = max(1, resources // PER_SERVICE)
    (dest / "modules" / "net").mkdir(parents=True, exist_ok=True)
    (dest / "modules" / "net" / "main.tf").write_text(MODULE)
    written = 0
    stacks = (services + SERVICES_PER_STACK - 1) // SERVICES_PER_STACK
    for s in range(stacks):
        stack = dest / f"stack-{s:04d}"
        stack.mkdir(parents=True, exist_ok=True)
        (stack / "main.tf").write_text(STACK_HEAD.replace("STACK", f"s{s}"))
        (stack / "terraform.tfvars").write_text(
            'env      = "prod"\nregistry = "111122223333.dkr.ecr.eu-west-1.amazonaws.com"\n')
        written += 1  # the module's VPC
        body = []
        first = s * SERVICES_PER_STACK
        for i in range(first, min(first + SERVICES_PER_STACK, services)):
            name, nxt = f"svc{i:05d}", f"svc{(i + 1) % services:05d}"
            text = SERVICE.replace("NAME", name).replace("NEXT", nxt)
            text = text.replace("SSH_CIDR", "0.0.0.0/0" if i % 7 == 0 else "10.0.0.0/8")
            text = text.replace("ACTION_RESOURCE", "*" if i % 5 == 0 else
                                f"arn:aws:sqs:eu-west-1:111122223333:{name}")
            body.append(text)
            written += PER_SERVICE
        (stack / "services.tf").write_text("".join(body))
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path)
    parser.add_argument("--resources", type=int, default=5000)
    args = parser.parse_args()
    count = generate(args.dest, args.resources)
    print(f"wrote {count} Terraform resources under {args.dest}")


if __name__ == "__main__":
    main()
