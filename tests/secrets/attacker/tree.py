'''A second labelled leak tree, written by a reviewer (not the detectors' author).

Files are laid out as the tools themselves write them (FileZilla, WinSCP, DBeaver, JetBrains,
docker, AWS/gcloud/Azure CLIs, kubectl, PHP/Laravel/Django/Rails/Spring/Tomcat apps, shells and
database clients, dumps, password files, keys, Jenkins, git, npm, PyPI, s3cmd, RubyGems, Maven,
hub/gh, Terraform). Line markers, stripped when written:

``+ `` must be reported; ``- `` must stay silent (placeholder, environment read, public part,
example); ``~ `` either is acceptable (a key id, a vendor's public client secret, an encrypted or
locked hash); ``  `` plain content that must stay silent.

Nothing here is a real credential: values are made up or drawn from a seeded generator.
'''

from __future__ import annotations

import base64
import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization as ser
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from tests.secrets.eval.tokens import B32, HEX, A, Gen

SEED = 77001
Where = tuple[str, int]


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def files(g: Gen) -> dict[str, str]:
    ghp = g.crc_token("ghp")
    gho = g.crc_token("gho")
    akia = "AKIA" + g.r(B32, 16)
    asia = "ASIA" + g.r(B32, 16)
    sk1, sk2 = g.r(A + "/+", 40), g.r(A + "/+", 40)
    session = "IQoJb3JpZ2luX2VjE" + g.r(A + "/+", 300)
    bcrypt = "$2y$10$" + g.r(A + "./", 53)
    bcrypt_a = "$2a$12$" + g.r(A + "./", 53)
    apr1 = "$apr1$" + g.r(A, 8) + "$" + g.r(A + "./", 22)
    sha = "{SHA}" + g.b64(20)
    des = g.r(A + "./", 13)
    sha512 = "$6$" + g.r(A, 16) + "$" + g.r(A + "./", 86)
    winscp = "A35C" + g.r("0123456789ABCDEF", 90)
    jenkins = "{AQAAABAAAAAQ" + g.r(A + "/+", 52) + "=}"
    npm_tok = "npm_" + g.r(A, 36)
    pypi = "pypi-AgEIcHlwaS5vcmc" + g.r(A + "_-", 120)
    rubygems = "rubygems_" + g.r(HEX, 48)
    tfc = g.r(A, 14) + ".atlasv1." + g.r(A, 67)
    ya29 = "ya29.a0" + g.r(A + "_-", 150)
    refresh = "1//0e" + g.r(A + "_-", 98)
    az_access = g.jwt({"typ": "JWT", "alg": "RS256"}, {"aud": "https://management.core.windows.net/",
                                                      "iss": "https://sts.windows.net/x/"})
    az_refresh = "0.ARoA" + g.r(A + "_-", 280)
    kube_tok = g.jwt({"alg": "RS256", "kid": g.r(A, 20)},
                     {"iss": "kubernetes/serviceaccount", "sub": "system:serviceaccount:ci:deployer"})
    lara_key = "base64:" + g.b64(32)
    django_key = "django-insecure-" + g.r("abcdefghijklmnopqrstuvwxyz0123456789!@#%^&*(-_=+)", 50)
    wp_salts = [g.r(A + "!@#%^&*()-_[]{}~+=,.;:/?|", 64) for _ in range(3)]
    pusher = g.r(HEX, 20)
    heroku = g.uuid()
    mysql_native = "*" + g.r("0123456789ABCDEF", 40)
    s3_secret = g.r(A + "/+", 40)
    docker_auth = _b64("deploy:" + g.r(A, 20))
    npm_auth = _b64("builder:Np8-" + g.r(A, 10))
    fz = _b64("Ftp-" + g.r(A, 10))
    glpat = "glpat-" + g.r(A + "_-", 20)
    sk3 = g.r(A + "/+", 40)
    return {
        # ---- FTP / SFTP clients -----------------------------------------------------------
        "winhome/AppData/Roaming/FileZilla/sitemanager.xml": f"""\
  <?xml version="1.0" encoding="UTF-8" standalone="yes" ?>
  <FileZilla3 version="3.66.4" platform="windows">
      <Servers>
          <Server>
              <Host>ftp.shop-prod.net</Host>
              <Port>21</Port>
              <Protocol>0</Protocol>
              <Type>0</Type>
              <User>shopftp</User>
+             <Pass encoding="base64">{fz}</Pass>
              <Logontype>1</Logontype>
              <Name>shop prod</Name>
          </Server>
          <Server>
              <Host>sftp.partner.example.org</Host>
              <Port>22</Port>
              <Protocol>1</Protocol>
              <User>alice</User>
              <Logontype>2</Logontype>
              <Name>partner (ask)</Name>
          </Server>
      </Servers>
  </FileZilla3>
""",
        "winhome/AppData/Roaming/FileZilla/recentservers.xml": f"""\
  <?xml version="1.0" encoding="UTF-8" standalone="yes" ?>
  <FileZilla3 version="3.66.4" platform="windows">
      <RecentServers>
          <Server>
              <Host>192.0.2.15</Host>
              <Port>21</Port>
              <Protocol>0</Protocol>
              <Type>0</Type>
              <User>backup</User>
+             <Pass encoding="base64">{_b64("Bk-up" + g.r(A, 8))}</Pass>
              <Logontype>1</Logontype>
          </Server>
      </RecentServers>
  </FileZilla3>
""",
        "winhome/AppData/Roaming/WinSCP.ini": f"""\
  [Configuration\\Interface]
  RandomSeedFile=%APPDATA%\\winscp.rnd
  [Configuration\\Security]
  UseMasterPassword=0
  [Sessions\\deploy@web01.shop-prod.net]
  HostName=web01.shop-prod.net
  UserName=deploy
+ Password={winscp}
  FSProtocol=2
  [Sessions\\root@10.0.4.7]
  HostName=10.0.4.7
  UserName=root
  PasswordPrompt=1
""",
        # ---- database GUIs --------------------------------------------------------------
        "home/alice/.local/share/DBeaverData/workspace6/General/.dbeaver/data-sources.json": """\
  {
  \t"folders": {},
  \t"connections": {
  \t\t"postgres-jdbc-18b1": {
  \t\t\t"provider": "postgresql",
  \t\t\t"driver": "postgres-jdbc",
  \t\t\t"name": "shop-prod",
  \t\t\t"save-password": true,
  \t\t\t"configuration": {
  \t\t\t\t"host": "db.shop-prod.internal",
  \t\t\t\t"port": "5432",
  \t\t\t\t"database": "shop",
  \t\t\t\t"url": "jdbc:postgresql://db.shop-prod.internal:5432/shop",
  \t\t\t\t"configurationType": "MANUAL",
  \t\t\t\t"type": "prod",
  \t\t\t\t"auth-model": "native"
  \t\t\t}
  \t\t}
  \t}
  }
""",
        "home/alice/.config/JetBrains/project/.idea/dataSources.local.xml": """\
  <?xml version="1.0" encoding="UTF-8"?>
  <project version="4">
    <component name="dataSourceStorageLocal" created-in="IU-233.13135.103">
      <data-source name="shop@db.shop-prod.internal" uuid="5c5d0a1e-6a4b-4d3a-9f1a-2b7e4c1d9e01">
        <database-info product="PostgreSQL" version="15.4" jdbc-version="4.2" driver-name="PostgreSQL JDBC Driver" driver-version="42.6.0" dbms="POSTGRES" exact-version="15.4" exact-driver-version="42.6" />
        <case-sensitivity plain-identifiers="lower" quoted-identifiers="exact" />
        <secret-storage>master_key</secret-storage>
        <user-name>shop_admin</user-name>
        <schema-mapping>
          <introspection-scope>
            <node kind="database" qname="@">
              <node kind="schema" qname="@" />
            </node>
          </introspection-scope>
        </schema-mapping>
      </data-source>
    </component>
  </project>
""",
        # ---- container, cloud and cluster CLIs ------------------------------------------
        "home/alice/.docker/config.json": f"""\
  {{
  \t"auths": {{
  \t\t"https://index.docker.io/v1/": {{
+ \t\t\t"auth": "{docker_auth}"
  \t\t}},
  \t\t"ghcr.io": {{}},
  \t\t"registry.gitlab.com": {{}}
  \t}},
  \t"credsStore": "desktop",
  \t"currentContext": "desktop-linux"
  }}
""",
        "home/alice/.aws/credentials": f"""\
  [default]
~ aws_access_key_id = {akia}
+ aws_secret_access_key = {sk1}

  [prod-admin]
~ aws_access_key_id={asia}
+ aws_secret_access_key={sk2}
+ aws_session_token={session}
  region=eu-west-1

  [sso-dev]
  sso_start_url = https://corp.awsapps.com/start
  sso_region = eu-west-1
  sso_account_id = 123456789012
  sso_role_name = Developer
""",
        "home/alice/.aws/config": """\
  [default]
  region = eu-west-1
  output = json

  [profile ci]
  role_arn = arn:aws:iam::123456789012:role/ci
  source_profile = default
- credential_process = /usr/local/bin/aws-vault export --format=json ci
""",
        "home/alice/.config/gcloud/application_default_credentials.json": f"""\
  {{
~   "client_id": "764086051850-6qr4p6gpi6hn506pt8ejuq83di341hur.apps.googleusercontent.com",
~   "client_secret": "d-FL95Q19q7MQmFpd7hHD0Ty",
  "quota_project_id": "shop-prod-4411",
+   "refresh_token": "{refresh}",
    "type": "authorized_user"
  }}
""",
        "home/alice/.azure/accessTokens.json": f"""\
  [
    {{
      "tokenType": "Bearer",
      "expiresIn": 3599,
      "expiresOn": "2026-11-30 10:14:02.812734",
      "resource": "https://management.core.windows.net/",
+     "accessToken": "{az_access}",
+     "refreshToken": "{az_refresh}",
      "oid": "0f8fad5b-d9cb-469f-a165-70867728950e",
      "userId": "alice@corp.io",
      "isMRRT": true,
      "_clientId": "04b07795-8ddb-461a-bbee-02f9e1bf7b46",
      "_authority": "https://login.microsoftonline.com/common"
    }}
  ]
""",
        "home/alice/.kube/config": f"""\
  apiVersion: v1
  clusters:
  - cluster:
-     certificate-authority-data: {g.b64(700)}
      server: https://k8s.shop-prod.internal:6443
    name: prod
  contexts:
  - context:
      cluster: prod
      user: deployer
    name: prod
  current-context: prod
  kind: Config
  preferences: {{}}
  users:
  - name: deployer
    user:
+     token: {kube_tok}
  - name: admin
    user:
-     client-certificate-data: {g.b64(900)}
+     client-key-data: {_b64("-----BEGIN RSA PRIVATE KEY-----" + chr(10) + g.b64(600))}
  - name: oidc
    user:
      exec:
        apiVersion: client.authentication.k8s.io/v1beta1
        command: kubelogin
        args:
        - get-token
""",
        # ---- web applications -----------------------------------------------------------
        "var/www/html/wp-config.php": f"""\
  <?php
  /** The name of the database for WordPress */
  define( 'DB_NAME', 'wp_shop' );
  /** Database username */
  define( 'DB_USER', 'wp_shop' );
  /** Database password */
+ define( 'DB_PASSWORD', 'Wp!9shopDb2' );
  define( 'DB_HOST', 'localhost' );
  define( 'DB_CHARSET', 'utf8mb4' );
+ define( 'AUTH_KEY',         '{wp_salts[0]}' );
+ define( 'SECURE_AUTH_KEY',  '{wp_salts[1]}' );
- define( 'LOGGED_IN_KEY',    'put your unique phrase here' );
+ define( 'NONCE_SALT',       '{wp_salts[2]}' );
  $table_prefix = 'wp_';
  define( 'WP_DEBUG', false );
""",
        "var/www/laravel/.env": f"""\
  APP_NAME=Shop
  APP_ENV=production
+ APP_KEY={lara_key}
  APP_DEBUG=false
  APP_URL=https://shop.example.com

  DB_CONNECTION=mysql
  DB_HOST=127.0.0.1
  DB_PORT=3306
  DB_DATABASE=shop
  DB_USERNAME=shop
+ DB_PASSWORD="Lr4v-shop#2024"

  REDIS_HOST=127.0.0.1
- REDIS_PASSWORD=null
  REDIS_PORT=6379

  MAIL_MAILER=smtp
  MAIL_USERNAME=postmaster@mg.shop.io
+ MAIL_PASSWORD=mG7-qz2LpW9xv
- MAIL_ENCRYPTION=null

  PUSHER_APP_ID=1544012
  PUSHER_APP_KEY=9c1f4a2b3c8d7e6f5a41
+ PUSHER_APP_SECRET={pusher}
""",
        "var/www/laravel/.env.example": """\
  APP_NAME=Laravel
- APP_KEY=
  DB_CONNECTION=mysql
  DB_USERNAME=root
- DB_PASSWORD=
- MAIL_PASSWORD=null
- AWS_SECRET_ACCESS_KEY=
- PUSHER_APP_SECRET=
""",
        "srv/shop/shop/settings.py": f"""\
    from pathlib import Path

  BASE_DIR = Path(__file__).resolve().parent.parent

  # SECURITY WARNING: keep the secret key used in production secret!
+ SECRET_KEY = '{django_key}'

  DEBUG = False
  ALLOWED_HOSTS = ['shop.example.com']

  DATABASES = {{
      'default': {{
          'ENGINE': 'django.db.backends.postgresql',
          'NAME': 'shop',
          'USER': 'shop',
+         'PASSWORD': 'dj-Pg_77shop',
          'HOST': 'db.internal',
          'PORT': '5432',
      }}
  }}

  EMAIL_HOST = 'smtp.mailgun.org'
  EMAIL_HOST_USER = 'postmaster@mg.shop.io'
- EMAIL_HOST_PASSWORD = os.environ.get('EMAIL_HOST_PASSWORD', '')
- AWS_SECRET_ACCESS_KEY = os.environ['AWS_SECRET_ACCESS_KEY']
""",
        "srv/rails/config/database.yml": """\
  default: &default
    adapter: postgresql
    encoding: unicode
    pool: <%= ENV.fetch("RAILS_MAX_THREADS") { 5 } %>

  development:
    <<: *default
    database: shop_development

  production:
    <<: *default
    database: shop_production
    username: shop
-   password: <%= ENV["SHOP_DATABASE_PASSWORD"] %>

  legacy:
    adapter: mysql2
    host: 10.0.3.9
    username: legacy_ro
+   password: Rl9-legacyRO
""",
        "srv/spring/src/main/resources/application.properties": """\
  server.port=8443
  server.ssl.key-store=classpath:keystore.p12
+ server.ssl.key-store-password=Ks-8vQ2mLp
  server.ssl.key-store-type=PKCS12
  spring.datasource.url=jdbc:mysql://db.internal:3306/shop
  spring.datasource.username=shop
+ spring.datasource.password=Sp-r1ngDb!
- spring.mail.password=${MAIL_PASSWORD}
  spring.jpa.hibernate.ddl-auto=validate
""",
        "srv/spring/src/main/resources/application.yml": """\
  spring:
    datasource:
      url: jdbc:postgresql://db.internal:5432/orders
      username: orders
+     password: 0rders-Pg#31
    rabbitmq:
      host: mq.internal
      username: orders
-     password: ${RABBIT_PASSWORD:}
  jwt:
+   secret: c2hvcC1vcmRlcnMtand0LXNpZ25pbmcta2V5LTIwMjQ=
""",
        "opt/tomcat/conf/tomcat-users.xml": """\
  <?xml version="1.0" encoding="UTF-8"?>
  <tomcat-users xmlns="http://tomcat.apache.org/xml"
                version="1.0">
  <!--
-   <user username="admin" password="<must-be-changed>" roles="manager-gui"/>
-   <user username="robot" password="<must-be-changed>" roles="manager-script"/>
  -->
    <role rolename="manager-gui"/>
+   <user username="tcadmin" password="T0mc@t-Adm" roles="manager-gui,admin-gui"/>
  </tomcat-users>
""",
        "opt/tomcat/conf/server.xml": """\
  <?xml version="1.0" encoding="UTF-8"?>
  <Server port="8005" shutdown="SHUTDOWN">
    <Service name="Catalina">
      <Connector port="8443" protocol="org.apache.coyote.http11.Http11NioProtocol"
                 maxThreads="150" SSLEnabled="true" scheme="https" secure="true"
+                keystoreFile="conf/shop.jks" keystorePass="Jks-9pQ2vX"
                 clientAuth="false" sslProtocol="TLS" />
      <Engine name="Catalina" defaultHost="localhost">
        <Host name="localhost" appBase="webapps" unpackWARs="true" autoDeploy="true">
          <Context path="/shop">
            <Resource name="jdbc/shop" auth="Container" type="javax.sql.DataSource"
+                     username="shop" password="Tc-DbPw88" driverClassName="org.postgresql.Driver"
                      url="jdbc:postgresql://db.internal:5432/shop"/>
          </Context>
        </Host>
      </Engine>
    </Service>
  </Server>
""",
        # ---- shells and database clients ------------------------------------------------
        "home/bob/.bash_history": f"""\
  cd /srv/shop
+ mysql -u root -pR00t-Shop! shop
- mysql -u root -p shop
+ curl -u admin:Adm-curl77 https://jenkins.internal/api/json
- curl -u admin https://jenkins.internal/api/json
+ sshpass -p 'Ssh-p4ss9' ssh deploy@web01
+ export GITHUB_TOKEN={ghp}
- export PATH=$HOME/.local/bin:$PATH
+ docker login -u deploy -p Dk-Reg1stry9 registry.internal
+ psql "postgresql://shop:Pq-Url55x@db.internal:5432/shop"
- echo $DB_PASSWORD
+ htpasswd -b /etc/nginx/.htpasswd ops Ng-0psPw7
- git push origin main
""",
        "home/bob/.zsh_history": f"""\
  : 1732950001:0;ls -la
+ : 1732950012:0;mysql -h db.internal -ushop -pZs-Hist0ry shop
+ : 1732950040:3;export AWS_SECRET_ACCESS_KEY={s3_secret}
- : 1732950077:0;export AWS_PROFILE=prod-admin
+ : 1732950101:0;redis-cli -h cache.internal -a Rd-Cache42 ping
  : 1732950120:0;kubectl get pods -n shop
""",
        "home/bob/.mysql_history": """\
  _HiStOrY_V2_
  show\\040databases;
+ CREATE\\040USER\\040'report'@'%'\\040IDENTIFIED\\040BY\\040'Rp-My5ql';
+ SET\\040PASSWORD\\040FOR\\040'app'@'localhost'\\040=\\040PASSWORD('Ap-Set77');
  select\\040*\\040from\\040users\\040limit\\04010;
""",
        "home/bob/.psql_history": """\
  \\dt
+ ALTER USER shop WITH PASSWORD 'Pg-Alter31';
- \\password shop
+ CREATE ROLE reporter LOGIN PASSWORD 'Rp-Pg2024';
  SELECT count(*) FROM orders;
""",
        # ---- SQL dumps --------------------------------------------------------------------
        "backups/shop-2024-11-01.sql": f"""\
  -- MySQL dump 10.13  Distrib 8.0.35, for Linux (x86_64)
  --
  -- Host: localhost    Database: shop
  -- ------------------------------------------------------
  DROP TABLE IF EXISTS `customers`;
  CREATE TABLE `customers` (
    `id` int NOT NULL AUTO_INCREMENT,
    `email` varchar(191) NOT NULL,
    `password_hash` varchar(255) NOT NULL,
    PRIMARY KEY (`id`)
  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
  LOCK TABLES `customers` WRITE;
+ INSERT INTO `customers` VALUES (1,'ann@shop.io','{bcrypt}'),(2,'ben@shop.io','{bcrypt_a}');
  UNLOCK TABLES;
  DROP TABLE IF EXISTS `products`;
  INSERT INTO `products` VALUES (1,'Mug','A mug',9.50),(2,'Tee','Cotton tee',19.00);
""",
        "backups/mysql-system.sql": f"""\
  LOCK TABLES `user` WRITE;
+ INSERT INTO `user` VALUES ('localhost','root','Y','Y','mysql_native_password','{mysql_native}','N');
  UNLOCK TABLES;
""",
        "backups/orders.pg_dump.sql": f"""\
  --
  -- PostgreSQL database dump
  --
  COPY public.accounts (id, username, encrypted_password, created_at) FROM stdin;
+ 1\tadmin\t{bcrypt_a}\t2024-01-01 00:00:00
- 2\tsvc\t!\t2024-01-02 00:00:00
  \\.
  COPY public.orders (id, account_id, total) FROM stdin;
  1\t1\t12.50
  \\.
""",
        # ---- password files ---------------------------------------------------------------
        "etc/nginx/.htpasswd": f"""\
+ ops:{bcrypt}
+ admin:{apr1}
+ legacy:{sha}
+ old:{des}
""",
        "etc/shadow": f"""\
+ root:{sha512}:19700:0:99999:7:::
- daemon:*:19700:0:99999:7:::
- nobody:*:19700:0:99999:7:::
- sshd:!:19700::::::
~ locked:!{sha512}:19700:0:99999:7:::
""",
        # ---- CI and developer tools -----------------------------------------------------
        "var/lib/jenkins/credentials.xml": f"""\
  <?xml version='1.1' encoding='UTF-8'?>
  <com.cloudbees.plugins.credentials.SystemCredentialsProvider plugin="credentials@1311.vcf0a_900b_37c">
    <domainCredentialsMap class="hudson.util.CopyOnWriteMap$Hash">
      <entry>
        <com.cloudbees.plugins.credentials.domains.Domain>
          <specifications/>
        </com.cloudbees.plugins.credentials.domains.Domain>
        <java.util.concurrent.CopyOnWriteArrayList>
          <com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl>
            <scope>GLOBAL</scope>
            <id>nexus-deploy</id>
            <description>nexus</description>
            <username>deploy</username>
+           <password>{jenkins}</password>
          </com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl>
          <org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl>
            <scope>GLOBAL</scope>
            <id>slack-token</id>
+           <secret>{jenkins[:-3]}Xw=}}</secret>
          </org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl>
        </java.util.concurrent.CopyOnWriteArrayList>
      </entry>
    </domainCredentialsMap>
  </com.cloudbees.plugins.credentials.SystemCredentialsProvider>
""",
        "home/carol/.git-credentials": f"""\
+ https://carol:{ghp}@github.com
+ https://carol:Gl-Pass2024@gitlab.corp.net
""",
        "home/carol/.netrc": f"""\
  machine api.heroku.com
    login carol@corp.io
+   password {heroku}
+ machine nexus.corp.net login ci password Nx-Ci-2024
- default login anonymous password user@site
""",
        "home/carol/.pgpass": """\
- # hostname:port:database:username:password
+ db.internal:5432:*:shop:Pg-Pass\\:77
""",
        "home/carol/.npmrc": f"""\
+ //registry.npmjs.org/:_authToken={npm_tok}
- //npm.pkg.github.com/:_authToken=${{GITHUB_TOKEN}}
  @corp:registry=https://nexus.corp.net/repository/npm/
+ _auth={npm_auth}
  email=carol@corp.io
  always-auth=true
""",
        "home/carol/.pypirc": f"""\
  [distutils]
  index-servers =
      pypi
      corp

  [pypi]
  username = __token__
+ password = {pypi}

  [corp]
  repository = https://nexus.corp.net/repository/pypi/
  username = carol
- password = <your password>
""",
        "home/carol/.s3cfg": f"""\
  [default]
~ access_key = {akia}
+ secret_key = {s3_secret}
- gpg_passphrase =
  host_base = s3.amazonaws.com
  use_https = True
""",
        "home/carol/.gem/credentials": f"""\
  ---
+ :rubygems_api_key: {rubygems}
""",
        "home/carol/.m2/settings.xml": """\
  <settings xmlns="http://maven.apache.org/SETTINGS/1.0.0">
    <servers>
      <server>
        <id>corp-releases</id>
        <username>deployer</username>
+       <password>Mvn-Dep10y</password>
      </server>
      <server>
        <id>corp-snapshots</id>
        <username>${env.NEXUS_USER}</username>
-       <password>${env.NEXUS_PASSWORD}</password>
      </server>
    </servers>
  </settings>
""",
        "home/carol/.config/hub": f"""\
  github.com:
  - user: carol
+   oauth_token: {gho}
    protocol: https
""",
        "home/carol/.config/gh/hosts.yml": f"""\
  github.com:
      users:
          carol:
+             oauth_token: {gho}
      git_protocol: https
+     oauth_token: {gho}
      user: carol
""",
        "home/carol/.terraform.d/credentials.tfrc.json": f"""\
  {{
    "credentials": {{
      "app.terraform.io": {{
+       "token": "{tfc}"
      }}
    }}
  }}
""",
        "home/carol/.terraformrc": f"""\
  plugin_cache_dir = "$HOME/.terraform.d/plugin-cache"
  credentials "tfe.corp.net" {{
+   token = "{tfc[::-1]}"
  }}
""",
        "home/carol/.ssh/id_rsa.pub": "- ssh-rsa " + g.b64(270) + " carol@laptop\n",
        "home/carol/.ssh/config": """\
  Host web01
    HostName web01.shop-prod.net
    User deploy
    IdentityFile ~/.ssh/id_rsa
""",
        # ---- second batch: commands, app configs, dumps and the placeholders of each -----
        "home/dave/.bash_history": f"""\
- mysql -u root -p$MYSQL_ROOT_PASSWORD shop
- curl -H "Authorization: Bearer $TOKEN" https://api.corp.net/v1/me
+ git clone https://oauth2:{glpat}@gitlab.com/corp/shop.git
+ PGPASSWORD=Pg-Env99x psql -h db.internal -U app shop
+ mysqladmin -u root password 'NewRoot-17'
+ openssl pkcs12 -export -in crt.pem -inkey key.pem -out shop.p12 -passout pass:P12-Pw88x
- keytool -importkeystore -srckeystore shop.p12 -storepass changeit
+ aws configure set aws_secret_access_key {sk3}
+ export MYSQL_PWD=My-Pwd42x
+ mongosh "mongodb://admin:Mg-Pass01x@mongo.internal:27017/admin"
+ sqlcmd -S db.internal -U sa -P 'Sa-Pass#1x' -Q "select 1"
- ssh-keygen -t ed25519 -C dave@laptop
""",
        "home/dave/.psql_history": f"""\
+ CREATE USER audit WITH ENCRYPTED PASSWORD 'md5{g.r(HEX, 32)}';
- ALTER USER audit WITH PASSWORD NULL;
""",
        "home/dave/.my.cnf": """\
  [client]
  user=root
+ password=My-Cnf-77x
  [mysqldump]
- password=
""",
        "etc/mysql/debian.cnf": """\
  # Automatically generated for Debian scripts. DO NOT TOUCH!
  [client]
  host     = localhost
  user     = debian-sys-maint
+ password = Dsm8kQ2vLpZ0aR1c
  socket   = /var/run/mysqld/mysqld.sock
""",
        "var/www/html/wp-config-sample.php": """\
  <?php
- define( 'DB_PASSWORD', 'password_here' );
- define( 'AUTH_KEY',         'put your unique phrase here' );
""",
        "var/www/laravel/config/database.php": """\
  <?php
  return [
      'connections' => [
          'mysql' => [
              'username' => env('DB_USERNAME', 'forge'),
-             'password' => env('DB_PASSWORD', ''),
+             'password' => env('DB_LEGACY_PASSWORD', 'Lg-Fallback9'),
          ],
      ],
  ];
""",
        "srv/rails/config/master.key": f"+ {g.r(HEX, 32)}\n",
        "srv/rails/config/secrets.yml": f"""\
  development:
~   secret_key_base: {g.r(HEX, 128)}
  production:
-   secret_key_base: <%= ENV["SECRET_KEY_BASE"] %>
""",
        "srv/compose/docker-compose.yml": """\
  services:
    db:
      image: postgres:16
      environment:
+       POSTGRES_PASSWORD: Pg-Compose9x
        POSTGRES_USER: shop
    mysql:
      image: mysql:8
      environment:
~       MYSQL_ROOT_PASSWORD: example
-       MYSQL_PASSWORD: ${MYSQL_PASSWORD}
""",
        "srv/spring/config/application-prod.properties": """\
- spring.datasource.password=
~ spring.mail.password=ENC(G6N718UuyPE5bHyWKyuLQSm02auQPUtm)
+ app.admin.password=Adm-Spring7x
""",
        "ops/prod.kubeconfig": """\
  apiVersion: v1
  clusters:
  - cluster:
-     certificate-authority-data: DATA+OMITTED
      server: https://k8s.shop-prod.internal:6443
    name: prod
  users:
  - name: deployer
    user:
-     client-key-data: DATA+OMITTED
-     token: REDACTED
""",
        "home/dave/.dockercfg": f"""\
+ {{"https://index.docker.io/v1/":{{"auth":"{_b64("dave:Dk-Old-Cfg9")}","email":"dave@corp.io"}}}}
""",
        "backups/wordpress.sql": f"""\
  LOCK TABLES `wp_users` WRITE;
+ INSERT INTO `wp_users` VALUES (1,'admin','$P$B{g.r(A + "./", 30)}','admin','admin@shop.io','','2024-01-01 00:00:00','',0,'admin');
  UNLOCK TABLES;
""",
        "backups/django.pg.sql": f"""\
  COPY public.auth_user (id, password, last_login, is_superuser, username) FROM stdin;
+ 1\tpbkdf2_sha256$600000${g.r(A, 22)}${g.b64(32)}\t\\N\tt\tadmin
- 2\t!{g.r(A, 40)}\t\\N\tf\tsso-only
  \\.
""",
        "home/dave/.pgpass": """\
- *:*:*:postgres:changeme
""",
        "home/dave/.netrc": """\
- machine example.com login user password password
""",
        "home/dave/.git-credentials": """\
- https://ci:${CI_JOB_TOKEN}@gitlab.corp.net
""",
        "home/dave/.terraformrc": """\
  credentials "app.terraform.io" {
-   token = "xxxxxxxxxxxxxx.atlasv1.zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"
  }
""",
        "home/dave/AppData/Roaming/FileZilla/sitemanager.xml": """\
  <?xml version="1.0" encoding="UTF-8" standalone="yes" ?>
  <FileZilla3 version="3.66.4" platform="windows">
      <Servers>
          <Server>
              <Host>ftp.corp.net</Host>
              <User>dave</User>
-             <Pass encoding="base64" />
              <Logontype>1</Logontype>
          </Server>
      </Servers>
  </FileZilla3>
""",
        "home/dave/.m2/settings.xml": """\
  <settings>
    <servers>
      <server>
        <id>corp</id>
        <username>dave</username>
~       <password>{COQLCE6DU6GtcS5P=}</password>
      </server>
    </servers>
  </settings>
""",
        "etc/shadow-": """\
- bin:*LK*:19700::::::
- svc:!!:19700::::::
""",
        "home/eve/.bash_history": """\
+ docker run -d -e POSTGRES_PASSWORD=Pg-Run99x postgres:16
+ kubectl create secret generic db --from-literal=password=K8s-Lit77x
- kubectl create secret generic db --from-literal=password=${PW}
+ helm install redis bitnami/redis --set auth.password=Hm-Set88x
+ echo 'Dk-Echo1x' | docker login -u eve --password-stdin registry.corp.net
- echo $CI_JOB_TOKEN | docker login -u gitlab-ci-token --password-stdin $CI_REGISTRY
+ sqlplus system/Or4cle-Pwx@db.internal:1521/ORCL
- sqlplus / as sysdba
+ az login -u eve@corp.io -p 'Az-Pw99x'
+ ssh-keygen -t rsa -N 'Kg-Pass1x' -f id_ci
- ssh-keygen -t ed25519 -N '' -f id_deploy
+ curl --user 'admin:Cu-Quote1x' https://x.corp.net
+ git remote add origin https://eve:Gt-Rem0te1@git.corp.net/x.git
+ export DB_PASSWORD='Ex-Port1x'
+ vault login -method=userpass username=eve password=Vt-Pass1x
+ mysql --user=root --password='My-Long1x' shop
""",
        # gcloud token in a shell profile
        "home/carol/.bashrc": f"""\
  alias ll='ls -la'
+ export GOOGLE_OAUTH_ACCESS_TOKEN={ya29}
- export EDITOR=vim
""",
    }


def _pem_rsa() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    return key.private_bytes(ser.Encoding.PEM, ser.PrivateFormat.TraditionalOpenSSL,
                             ser.NoEncryption()).decode()


def _openssh() -> str:
    key = ed25519.Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    return key.private_bytes(ser.Encoding.PEM, ser.PrivateFormat.OpenSSH,
                             ser.NoEncryption()).decode()


def _ppk(g: Gen, version: int) -> str:
    pub = [g.b64(48) for _ in range(2)]
    priv = [g.b64(48)]
    alg = "ssh-rsa" if version == 2 else "ssh-ed25519"
    head = [f"PuTTY-User-Key-File-{version}: {alg}", "Encryption: none",
            "Comment: rsa-key-20241101"]
    lines = ["+ " + head[0]] + ["  " + h for h in head[1:]]
    lines += ["  Public-Lines: 2"] + ["  " + p for p in pub]
    lines += ["  Private-Lines: 1"] + ["~ " + p for p in priv]
    lines += ["  Private-MAC: " + g.r(HEX, 64 if version == 3 else 40)]
    return "\n".join(lines) + "\n"


def _marked(text: str, first: str, rest: str) -> str:
    lines = text.rstrip("\n").split("\n")
    return "\n".join([first + lines[0]] + [rest + ln for ln in lines[1:]]) + "\n"


DBEAVER_KEY = bytes.fromhex("babb4a9f774ab853c96c2d653dfe544a")  # public, in DBeaver's source


def _dbeaver_credentials(path: Path, iv: bytes) -> None:
    """credentials-config.json as DBeaver writes it: AES-128-CBC with its fixed key, IV first."""
    from cryptography.hazmat.primitives import padding

    plain = b'{"postgres-jdbc-18b1":{"#connection":{"user":"shop_admin","password":"Dbv-Pg2024!"}}}'
    padder = padding.PKCS7(128).padder()
    data = padder.update(plain) + padder.finalize()
    enc = Cipher(algorithms.AES(DBEAVER_KEY), modes.CBC(iv)).encryptor()
    path.write_bytes(iv + enc.update(data) + enc.finalize())


def build(root: Path) -> tuple[set[Where], set[Where], set[Where]]:
    """Write the tree; ``(must report, must stay silent, either)``. Lines of files that are in
    none of the three sets are plain content and must stay silent too (counted in silent)."""
    g = Gen(SEED)
    texts = files(g)
    texts["home/carol/.ssh/id_rsa"] = _marked(_pem_rsa(), "+ ", "  ")
    texts["home/carol/.ssh/id_ed25519"] = _marked(_openssh(), "+ ", "  ")
    texts["winhome/Documents/keys/web01.ppk"] = _ppk(g, 2)
    texts["winhome/Documents/keys/web02.ppk"] = _ppk(g, 3)
    must: set[Where] = set()
    silent: set[Where] = set()
    either: set[Where] = set()
    for path, marked in texts.items():
        out = []
        for n, line in enumerate(marked.split("\n")[:-1], start=1):
            mark, body = (line[:2], line[2:]) if line else ("  ", "")
            {"+ ": must, "- ": silent, "  ": silent, "~ ": either}[mark].add((path, n))
            out.append(body)
        full = root / path
        full.parent.mkdir(parents=True, exist_ok=True)
        full.write_text("\n".join(out) + "\n", encoding="utf-8")
    cred = root / "home/alice/.local/share/DBeaverData/workspace6/General/.dbeaver"
    _dbeaver_credentials(cred / "credentials-config.json", bytes.fromhex(g.r(HEX, 32)))
    must.add((str((cred / "credentials-config.json").relative_to(root)), 1))
    return must, silent, either


if __name__ == "__main__":
    build(Path(sys.argv[1]))
