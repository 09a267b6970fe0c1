'''A tree of leaked home directories, web roots and tool configs, labelled line by line.

``build(root)`` writes the files and returns ``(risky, families)``: the exact
``(path, line)`` set a scan must report, and the family of each. Every other line
must stay silent (placeholders, environment reads, comments, public keys...).

In the file texts below, a line written ``+ ...`` carries a credential and must be
reported; ``? ...`` carries one that the engine knowingly misses (a password under a key
whose last word is not a password word, ``$db_pass_legacy``: counted as risky, so the
bench's recall shows it); ``- ...`` is a hard negative
(looks like one, is not); ``  ...`` is plain content. The two-character marker is stripped when the file is written. Nothing here
is a real credential: passwords are made up and tokens come from a seeded generator.
Run ``python -m tests.secrets.leaks.tree DIR`` to look at the tree.
'''

from __future__ import annotations

import base64
import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization as ser
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from tests.secrets.eval.tokens import B32, HEX, A, Gen

SEED = 20261202


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def files(g: Gen) -> dict[str, str]:
    """``{path: marked text}``: one family per top folder."""
    ghp = g.crc_token("ghp")
    akia = "AKIA" + g.r(B32, 16)
    aws_secret = g.r(A + "/+", 40)
    akia2 = "AKIA" + g.r(B32, 16)
    aws_secret2 = g.r(A + "/+", 40)
    session = "IQoJb3JpZ2luX2VjE" + g.r(A + "/+", 200)
    npm_uuid = g.uuid()
    heroku_uuid = g.uuid()
    do_hex = g.r(HEX, 64)
    gcloud_refresh = "1//0g" + g.r(A + "_-", 98)
    azure_refresh = "0.AXEA" + g.r(A + "_-", 300)
    master_key = g.r(HEX, 32)
    prod_key = g.r(HEX, 32)
    key_base = g.r(HEX, 128)
    wp_salt = g.r(A + "!@#$%^&*()-_[]{}~+=,.;:/?|", 64)
    django_key = g.r("abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*(-_=+)", 50)
    bcrypt1 = "$2y$10$" + g.r(A + "./", 53)
    bcrypt2 = "$2y$10$" + g.r(A + "./", 53)
    phpass = "$P$B" + g.r(A + "./", 30)
    sha512 = "$6$" + g.r(A, 16) + "$" + g.r(A + "./", 86)
    yescrypt = "$y$j9T$" + g.r(A + "./", 22) + "$" + g.r(A + "./", 43)
    apr1 = "$apr1$" + g.r(A, 8) + "$" + g.r(A + "./", 22)
    sha1 = "{SHA}" + g.b64(20)
    winscp = "A35C" + g.r("0123456789ABCDEF", 76)
    jb = g.r("0123456789abcdef", 24)
    ff_pw = "MEIEEPgAAAAAAAAAAAAAAAAAAAEwFAYIKoZIhvcNAwcECP" + g.r(A + "/+", 34) + "=="
    ff_user = "MDoEEPgAAAAAAAAAAAAAAAAAAAEwFAYIKoZIhvcNAwcECJ" + g.r(A + "/+", 22) + "=="
    bash_npm = g.uuid()
    return {
        # --- credential files known by name and structure -------------------------------
        "credfiles/home/alice/.netrc": f"""\
+ machine ftp.corp-files.net login alice password Rk8vLq2mz
  machine api.heroku.com
    login alice@corp.io
+   password {heroku_uuid}
  machine git.heroku.com
    login alice@corp.io
+   password {heroku_uuid}
- machine ftp.gnu.org login anonymous password guest
""",
        "credfiles/home/alice/.pgpass": """\
- # hostname:port:database:username:password
+ db.corp.internal:5432:shop:shop_app:Wq9xPz2Lk7
+ *:*:*:replicator:r3pl\\:Secret
- localhost:5432:*:postgres:
""",
        "credfiles/home/alice/.git-credentials": """\
+ https://alice:Tz7pQm2vXw@git.corp-internal.net
- https://oauth2:${CI_JOB_TOKEN}@gitlab.com
""",
        "credfiles/home/alice/.npmrc": f"""\
  registry=https://registry.npmjs.org/
+ //registry.npmjs.org/:_authToken={npm_uuid}
+ //npm.corp.net/:_auth={_b64("alice:Qz8vLm2p")}
- //npm.pkg.github.com/:_authToken=${{GITHUB_NPM_TOKEN}}
  always-auth=true
""",
        "credfiles/home/alice/.yarnrc.yml": f"""\
  npmScopes:
    corp:
      npmRegistryServer: "https://npm.corp.net"
+     npmAuthToken: "{g.uuid()}"
    public:
-     npmAuthToken: "${{NPM_AUTH_TOKEN}}"
""",
        "credfiles/home/alice/.pypirc": """\
  [distutils]
  index-servers =
      pypi
      corp
  [pypi]
  username = __token__
- password = <your PyPI token>
  [corp]
  repository = https://pypi.corp.net/simple
  username = alice
+ password = Hx4-mQ8zTr
""",
        "credfiles/home/alice/.docker/config.json": f"""\
  {{
    "auths": {{
      "registry.corp.net": {{
+       "auth": "{_b64("alice:Dk9pQ2xLm7")}"
      }},
      "https://index.docker.io/v1/": {{}}
    }},
-   "credsStore": "desktop"
  }}
""",
        "credfiles/home/alice/.dockercfg": f"""\
+ {{"quay.io": {{"auth": "{_b64("alice+robot:QYX2LL0ZKMN93VZ")}", "email": "alice@corp.io"}}}}
""",
        "credfiles/home/alice/.s3cfg": f"""\
  [default]
+ access_key = {akia}
+ secret_key = {aws_secret}
- gpg_passphrase =
  host_base = s3.amazonaws.com
  use_https = True
""",
        "credfiles/home/alice/.aws/credentials": f"""\
  [default]
+ aws_access_key_id = {akia2}
+ aws_secret_access_key = {aws_secret2}
+ aws_session_token = {session}
  [docs]
- aws_access_key_id = AKIAIOSFODNN7EXAMPLE
- aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
""",
        "credfiles/home/alice/.config/gcloud/application_default_credentials.json": f"""\
  {{
    "client_id": "764086051850-6qr4p6gpi6hn506pt8ejuq83di341hur.apps.googleusercontent.com",
-   "client_secret": "d-FL95Q19q7MQmFpd7hHD0Ty",
+   "refresh_token": "{gcloud_refresh}",
    "type": "authorized_user"
  }}
""",
        "credfiles/home/alice/.azure/msal_token_cache.json": f"""\
  {{
    "RefreshToken": {{
      "uid.utid-login.microsoftonline.com-refreshtoken-04b07795-8ddb-461a-bbee-02f9e1bf7b46--": {{
        "credential_type": "RefreshToken",
+       "secret": "{azure_refresh}",
        "home_account_id": "uid.utid"
      }}
    }}
  }}
""",
        "credfiles/home/alice/.config/doctl/config.yaml": f"""\
+ access-token: {do_hex}
  context: default
  output: text
""",
        "credfiles/home/alice/.ssh/id_ed25519": "@@ED25519@@\n",
        "credfiles/home/alice/.ssh/id_ed25519.pub":
            "- ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE3kq8m0Ck5c1D0uGgY9xN7Zp2QeVbRwT4sLj6HnA1fB alice@laptop\n",
        "credfiles/home/alice/keys/deploy.ppk": "@@PPK@@\n",
        "credfiles/webroot/.htpasswd": f"""\
+ admin:{apr1}
+ deploy:{sha1}
+ bob:{bcrypt1}
""",
        "credfiles/etc/shadow": f"""\
+ root:{sha512}:19345:0:99999:7:::
- daemon:*:19345:0:99999:7:::
- sshd:!:19345::::::
- www-data:!!:19345:0:99999:7:::
+ alice:{yescrypt}:19500:0:99999:7:::
""",
        "credfiles/shopapp/config/master.key": f"+ {master_key}\n",
        "credfiles/shopapp/config/credentials/production.key": f"+ {prod_key}\n",
        "credfiles/android/keystore.properties": """\
+ storePassword=st0re-Pw-4q
+ keyPassword=k3y-Pw-9xz
  keyAlias=upload
  storeFile=../upload.jks
""",
        "credfiles/home/alice/.kube/config": f"""\
  apiVersion: v1
  kind: Config
  clusters:
  - cluster:
      server: https://k8s.corp.net:6443
    name: prod
  users:
  - name: deployer
    user:
+     token: {g.r(A, 40)}.{g.r(A + "_-", 60)}
  - name: oidc
    user:
      auth-provider:
        name: oidc
        config:
-         client-secret: ${{OIDC_SECRET}}
""",
        "credfiles/home/alice/.config/rclone/rclone.conf": f"""\
  [backup]
  type = sftp
  host = backup.corp.net
  user = alice
+ pass = {g.r(A + "_-", 48)}
  [s3]
  type = s3
- secret_access_key =
""",
        "credfiles/home/alice/.boto": f"""\
  [Credentials]
+ gs_oauth2_refresh_token = 1//0e{g.r(A + "_-", 80)}
  [Boto]
  https_validate_certificates = True
""",
        "credfiles/home/alice/.config/hub": f"""\
  github.com:
  - user: alice
+   oauth_token: {g.r(HEX, 40)}
    protocol: https
""",
        "credfiles/home/alice/.subversion/auth/svn.simple/4d3c2b1a0f9e8d7c6b5a4d3c2b1a0f9e": """\
  K 8
  passtype
  V 6
  simple
  K 8
  password
  V 10
+ Svn-Cach3d
  K 15
  svn:realmstring
  V 38
  <https://svn.corp.net:443> Corp SVN
  K 8
  username
  V 5
  alice
  END
""",
        "credfiles/home/alice/.vault-token": f"+ s.{g.r(A, 24)}\n",
        "credfiles/home/alice/.m2/settings.xml": """\
  <settings>
    <servers>
      <server>
        <id>corp-releases</id>
        <username>deployer</username>
+       <password>Mvn-Depl0y-5</password>
      </server>
      <server>
        <id>corp-snapshots</id>
-       <password>${env.MAVEN_PASSWORD}</password>
      </server>
    </servers>
  </settings>
""",
        "credfiles/home/alice/.composer/auth.json": f"""\
  {{
      "http-basic": {{
          "repo.corp.net": {{
              "username": "alice",
+             "password": "C0mposer-Pw"
          }}
      }},
      "github-oauth": {{
+         "github.com": "{g.r(HEX, 40)}"
      }}
  }}
""",
        "credfiles/home/alice/.config/gcloud/credentials.db": "@@SQLITE@@\n",
        "credfiles/home/alice/.rediscli_history": """\
  PING
+ AUTH R3dis-Hist-4
  KEYS *
""",
        "credfiles/home/alice/.dbshell": """\
  use admin
+ db.createUser({user: "app", pwd: "M0ngo-App-8", roles: ["readWrite"]})
+ db.auth("root", "M0ngo-Root-2")
""",
        "credfiles/home/alice/.config/hexchat/servlist.conf": """\
  v=2.14.3
  N=CorpNet
  I=alice
+ P=Irc-Serv-Pw6
  S=irc.corp.net/6697
""",
        "credfiles/webapp/src/i18n/auth.json": """\
- {"token": "Sign in with a token", "password": "Your password please"}
""",
        # --- tools that store passwords ---------------------------------------------------
        "toolconfigs/filezilla/sitemanager.xml": f"""\
  <?xml version="1.0" encoding="UTF-8" standalone="yes" ?>
  <FileZilla3 version="3.60.1" platform="windows">
    <Servers>
      <Server>
        <Host>ftp.corp-files.net</Host>
        <Port>21</Port>
        <Protocol>0</Protocol>
        <Logontype>1</Logontype>
        <User>webmaster</User>
+       <Pass encoding="base64">{_b64("Fz1ll4-Ftp!")}</Pass>
        <Name>corp web</Name>
      </Server>
      <Server>
        <Host>sftp.partner.net</Host>
        <User>upload</User>
+       <Pass>Up1oad-Pw7</Pass>
      </Server>
      <Server>
        <Host>ftp.mirror.org</Host>
        <Logontype>0</Logontype>
-       <Pass encoding="base64" />
      </Server>
    </Servers>
  </FileZilla3>
""",
        "toolconfigs/filezilla/recentservers.xml": f"""\
  <?xml version="1.0" encoding="UTF-8"?>
  <FileZilla3>
    <RecentServers>
      <Server>
        <Host>10.20.0.15</Host>
        <User>root</User>
+       <Pass encoding="base64">{_b64("R00t-Box-9")}</Pass>
      </Server>
    </RecentServers>
  </FileZilla3>
""",
        "toolconfigs/winscp/WinSCP.ini": f"""\
  [Configuration\\Interface]
  RandomSeedFile=%APPDATA%\\winscp.rnd
  [Sessions\\deploy@web01.corp.net]
  HostName=web01.corp.net
  UserName=deploy
+ Password={winscp}
  [Sessions\\Default%20Settings]
- Password=
""",
        "toolconfigs/sublime/sftp-config.json": """\
  {
      // The tab key will cycle through the settings when first created
      "type": "sftp",
      "save_before_upload": true,
      "upload_on_save": true,
      "host": "web01.corp.net",
      "user": "deploy",
+     "password": "Lp3vNq8sZw",
-     //"password": "password",
      "port": "22",
      "remote_path": "/var/www/shop/",
-     //"ssh_key_file": "~/.ssh/id_rsa",
  }
""",
        "toolconfigs/atom/.ftpconfig": """\
  {
      "protocol": "ftp",
      "host": "ftp.corp-files.net",
      "port": 21,
      "user": "webmaster",
+     "pass": "Vb7kQz2Lwp",
      "promptForPass": false,
      "remote": "/public_html",
-     "passphrase": "",
      "keepalive": 10000
  }
""",
        "toolconfigs/atom/.remote-sync.json": """\
  {
    "transport": "scp",
    "hostname": "10.20.0.21",
    "username": "www",
+   "password": "Rs9ync-Pw3",
    "target": "/var/www/site",
    "watch": []
  }
""",
        "toolconfigs/vscode/.vscode/sftp.json": """\
  {
      "name": "staging",
      "host": "staging.corp.net",
      "protocol": "sftp",
      "username": "deploy",
+     "password": "VsC0de-Sftp8",
-     "passphrase": true,
      "remotePath": "/srv/app",
      "uploadOnSave": true
  }
""",
        "toolconfigs/jetbrains/.idea/WebServers.xml": f"""\
  <?xml version="1.0" encoding="UTF-8"?>
  <project version="4">
    <component name="WebServers">
      <option name="servers">
        <webServer id="6f0c" name="prod" url="http://www.corp.net">
+         <fileTransfer host="ftp.corp.net" port="21" rootFolder="/www" accessType="FTP" login="deploy" password="{jb}">
            <advancedOptions>
              <advancedOptions dataProtectionLevel="Private" passiveMode="true" shareSSLContext="true" />
            </advancedOptions>
          </fileTransfer>
        </webServer>
      </option>
    </component>
  </project>
""",
        "toolconfigs/jetbrains/.idea/dataSources.xml": """\
  <?xml version="1.0" encoding="UTF-8"?>
  <project version="4">
    <component name="DataSourceManagerImpl" format="xml" multifile-model="true">
      <data-source source="LOCAL" name="shop@db" uuid="0f7c2a52-9b1e-4a0e-8d0a-1c1e6b1f1d2e">
        <driver-ref>mysql.8</driver-ref>
+       <jdbc-url>jdbc:mysql://db.corp.net:3306/shop?user=app&amp;password=Jdbc-Pw-72</jdbc-url>
        <user-name>app</user-name>
-       <secret-storage>master_key</secret-storage>
      </data-source>
    </component>
  </project>
""",
        "toolconfigs/dbeaver/.dbeaver/data-sources.json": """\
  {
    "folders": {},
    "connections": {
      "mysql8-17a2": {
        "provider": "mysql",
        "driver": "mysql8",
        "name": "shop prod",
-       "save-password": true,
        "configuration": {
          "host": "db.corp.net",
          "port": "3306",
          "database": "shop",
          "user": "root",
+         "password": "Db3aver-Pw9",
          "auth-model": "native"
        }
      }
    }
  }
""",
        "toolconfigs/robomongo/robomongo.json": """\
  {
      "connections" : [
          {
              "connectionName" : "prod mongo",
              "serverHost" : "mongo.corp.net",
              "serverPort" : 27017,
              "credentials" : [
                  {
                      "userName" : "admin",
+                     "userPassword" : "M0ng0-Rt7q",
                      "databaseName" : "admin",
                      "enabled" : true
                  }
              ],
              "ssh" : {
-                 "sshUserPassword" : "",
-                 "sshPassphrase" : "",
                  "sshEnabled" : false
              }
          }
      ]
  }
""",
        "toolconfigs/mail/.esmtprc": """\
  identity alice@corp.io
      hostname smtp.corp.io:587
      username "alice"
+     password "Ml9tRq2zXv"
      starttls required
""",
        "toolconfigs/mail/.muttrc": """\
  set imap_user = "alice@corp.io"
+ set imap_pass = "Im4p-Pw8q"
+ set smtp_url = "smtps://alice:Sm7p-Q2wx@smtp.corp.io:465/"
- set smtp_pass = "`pass show mail/corp`"
- set pop_pass = ""
  set folder = "imaps://imap.corp.io:993"
""",
        "toolconfigs/firefox/logins.json": f"""\
  {{"nextId":2,"logins":[
   {{"id":1,"hostname":"https://intranet.corp.io","httpRealm":null,"formSubmitURL":"https://intranet.corp.io",
    "usernameField":"user","passwordField":"pass",
    "encryptedUsername":"{ff_user}",
+   "encryptedPassword":"{ff_pw}",
    "guid":"{{7a1f3c2e-5b4d-4e6f-8a9b-0c1d2e3f4a5b}}","encType":1,"timesUsed":4}}],
  "potentiallyVulnerablePasswords":[],"version":3}}
""",
        # --- assignments in configuration languages ---------------------------------------
        "assignments/wordpress/wp-config.php": f"""\
  <?php
  define( 'DB_NAME', 'wp_shop' );
  define( 'DB_USER', 'wp_admin' );
+ define( 'DB_PASSWORD', 'Wp9kLm2vQx' );
  define( 'DB_HOST', 'localhost' );
+ define( 'AUTH_KEY',         '{wp_salt}' );
- define( 'SECURE_AUTH_KEY',  'put your unique phrase here' );
- define( 'LOGGED_IN_KEY',    getenv('WP_LOGGED_IN_KEY') );
  $table_prefix = 'wp_';
""",
        "assignments/php/config.php": """\
  <?php
  $db_host = 'localhost';
+ $db_password = 'r00t-Shop7';
? $db_pass_legacy = 'root';
- $password = getenv('DB_PASSWORD');
- $password = $_POST['password'];
  $config = array(
      'user' => 'shop',
+     'password' => 'Arr4y-Pw5x',
-     'pass' => $_ENV['MAIL_PASS'],
  );
""",
        "assignments/laravel/config/database.php": """\
  <?php
  return [
      'mysql' => [
          'host' => env('DB_HOST', '127.0.0.1'),
-         'password' => env('DB_PASSWORD', ''),
      ],
  ];
""",
        "assignments/rails/config/database.yml": """\
  default: &default
    adapter: postgresql
    pool: 5
  development:
    <<: *default
-   password:
  production:
    <<: *default
    username: shop
+   password: Pg-Pr0d-7x
  staging:
    <<: *default
-   password: <%= ENV['DATABASE_PASSWORD'] %>
  replica:
    <<: *default
+   password: shop123
""",
        "assignments/rails/config/secrets.yml": f"""\
  production:
+   secret_key_base: {key_base}
  staging:
-   secret_key_base: <%= ENV["SECRET_KEY_BASE"] %>
""",
        "assignments/django/shop/settings.py": f"""\
  import os
+ SECRET_KEY = '{django_key}'
  DEBUG = False
  DATABASES = {{
      'default': {{
          'ENGINE': 'django.db.backends.postgresql',
          'NAME': 'shop',
          'USER': 'shop',
+         'PASSWORD': 'dj4ngo-Pg8',
      }},
      'legacy': {{
+         'PASSWORD': 'postgres',
      }},
      'replica': {{
-         'PASSWORD': os.environ.get('REPLICA_PASSWORD', ''),
      }},
  }}
- EMAIL_HOST_PASSWORD = os.environ['EMAIL_HOST_PASSWORD']
""",
        "assignments/java/application.properties": """\
  spring.datasource.url=jdbc:postgresql://db.corp.net:5432/shop
  spring.datasource.username=shop
+ spring.datasource.password=Spr1ng-Db7
- spring.datasource.password=${DB_PASSWORD}
- server.ssl.key-store=classpath:keystore.p12
+ server.ssl.key-store-password=K3ystore-8q
+ spring.mail.password=mailpw2020
""",
        "assignments/ini/app.ini": """\
  [database]
  host = db.corp.net
+ password = 1n1-Pass-7q
  [mail]
- smtp_password =
- password = <password>
""",
        "assignments/dotnet/Web.config": """\
  <?xml version="1.0" encoding="utf-8"?>
  <configuration>
    <appSettings>
+     <add key="SmtpPassword" value="Sm7p-Pw2xq" />
-     <add key="SmtpPasswordHint" value="ask ops" />
    </appSettings>
    <connectionStrings>
+     <add name="Shop" connectionString="Server=db;Database=shop;User Id=app;Password=C0nn-Str9;" />
    </connectionStrings>
  </configuration>
""",
        "assignments/xml/context.xml": """\
  <Context>
+   <Resource name="jdbc/shop" auth="Container" username="shop" password="T0mcat-Db6" />
-   <Resource name="jdbc/ro" auth="Container" username="ro" password="${db.ro.password}" />
+   <Password>Xml-Elem-P4</Password>
  </Context>
""",
        "assignments/json/appsettings.json": """\
  {
    "Smtp": {
      "Host": "smtp.corp.io",
+     "Password": "Js0n-Smtp3",
-     "PasswordHint": "see vault"
    }
  }
""",
        "assignments/env/.env.production": """\
+ DB_PASSWORD=Env-Pr0d-5
- MAIL_PASSWORD=
- REDIS_PASSWORD=${REDIS_PASSWORD}
""",
        # --- shell history and profiles --------------------------------------------------
        "shell/home/bob/.bash_history": f"""\
  ls -la
+ mysql -u root -pR00t-Mysql9 shop
- mysql -u root -p shop
+ curl -u admin:Adm1n-Pw7 https://jenkins.corp.io/api/json
- curl -u "$JENKINS_USER:$JENKINS_TOKEN" https://jenkins.corp.io/api/json
+ sshpass -p 'Ssh-Pw-8q' ssh deploy@10.0.0.5
+ export GITHUB_TOKEN={ghp}
+ export DB_PASSWORD=Pg-Hist-42
- export DB_PASSWORD=$(cat /run/secrets/db)
+ mysqldump --password=Dump-Pw9 shop > shop.sql
+ docker login -u bob -p D0cker-Pw7 registry.corp.io
+ redis-cli -a R3dis-Pw8 ping
  git status
""",
        "shell/home/bob/.zshrc": f"""\
  export PATH="$HOME/bin:$PATH"
+ export NPM_TOKEN={bash_npm}
- export VAULT_TOKEN="$(vault print token)"
  alias ll='ls -la'
""",
        "shell/home/bob/.mysql_history": """\
  show databases;
+ CREATE USER 'ro'@'%' IDENTIFIED BY 'R0-User-5q';
+ GRANT ALL ON shop.* TO 'app'@'%' IDENTIFIED BY 'Gr4nt-Pw8';
+ ALTER USER 'root'@'localhost' IDENTIFIED BY 'N3w-Root7';
  select count(*) from orders;
""",
        # --- SQL dumps ---------------------------------------------------------------------
        "sqldumps/shop.sql": f"""\
  -- MySQL dump 10.13
  CREATE TABLE `users` (
    `id` int NOT NULL AUTO_INCREMENT,
    `email` varchar(255) NOT NULL,
    `password` varchar(255) NOT NULL,
    PRIMARY KEY (`id`)
  ) ENGINE=InnoDB;
+ INSERT INTO `users` VALUES (1,'admin@shop.io','{bcrypt2}'),(2,'bob@shop.io','{bcrypt1}');
  CREATE TABLE `products` (
    `id` int NOT NULL,
    `name` varchar(64),
    `token` varchar(64)
  );
- INSERT INTO `products` VALUES (1,'Socks','blue-7'),(2,'Hat','red-9');
+ INSERT INTO `wp_users` (`ID`, `user_login`, `user_pass`, `user_email`) VALUES (1, 'admin', '{phpass}', 'admin@shop.io');
+ INSERT INTO accounts (username, password) VALUES ('ops', 'Pl41ntext-Pw');
- INSERT INTO accounts (username, password) VALUES ('guest', NULL);
- INSERT INTO accounts (username, password) VALUES ('sso', '');
""",
        "sqldumps/phpmyadmin/shop_db.sql": """\
  -- phpMyAdmin SQL Dump
  -- version 5.2.1
  SET SQL_MODE = "NO_AUTO_VALUE_ON_ZERO";
  CREATE TABLE `tbl_admin` (
    `admin_id` int(11) NOT NULL,
    `username` varchar(50) NOT NULL,
    `pass` varchar(255) NOT NULL COMMENT 'md5(password), legacy',
    `created` datetime DEFAULT NULL
  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
  INSERT INTO `tbl_admin` (`admin_id`, `username`, `pass`, `created`) VALUES
+ (1, 'admin', '21232f297a57a5a743894a0e4a801fc3', '2019-01-01 10:00:00'),
+ (2, 'editor', 'e10adc3949ba59abbe56e057f20f883e', NULL);
  CREATE TABLE `tbl_news` (
    `id` int(11) NOT NULL,
    `title` varchar(200) NOT NULL
  );
  INSERT INTO `tbl_news` (`id`, `title`) VALUES
- (1, 'Password policy updated'),
- (2, 'New admin panel');
""",
        "sqldumps/app.pgsql.sql": """\
  COPY public.users (id, email, encrypted_password) FROM stdin;
+ 1	admin@shop.io	$2a$11$Qv0sXz8rZ0mHk3Jt5yVb1uG8w7eR6tY5uI4oP3aS2dF1gH0jK9lZx
- 2	sso@shop.io	\\N
  \\.
- COPY public.orders (id, total) FROM stdin;
- 1	10.5
  \\.
""",
        # --- placeholders, examples and environment reads: all silent --------------------
        "placeholders/home/carol/.netrc": """\
- machine api.corp.io login carol password <password>
- machine ci.corp.io login carol password ${CI_PASSWORD}
""",
        "placeholders/home/carol/.pgpass": """\
- db:5432:shop:app:changeme
- db:5432:shop:ro:xxxxxx
""",
        "placeholders/home/carol/.npmrc": """\
- //registry.npmjs.org/:_authToken=${NPM_TOKEN}
""",
        "placeholders/site/wp-config.php": """\
  <?php
- define( 'DB_PASSWORD', 'password_here' );
- define( 'DB_PASSWORD_ALT', getenv('DB_PASSWORD') );
""",
        "placeholders/site/config/database.yml": """\
  production:
-   password: <%= ENV.fetch("DB_PASSWORD") %>
-   password: changeme
-   password: "xxx"
""",
        "placeholders/site/settings.py": """\
- SECRET_KEY = os.getenv('SECRET_KEY')
- PASSWORD = os.environ['PASSWORD']
- API_TOKEN = env('API_TOKEN')
""",
        "placeholders/site/app/login.py": """\
- password = request.form['password']
- if password == 'changeme':
-     raise ValueError('change the default password')
""",
        "placeholders/site/filezilla/sitemanager.xml": """\
  <FileZilla3><Servers><Server><Host>ftp.corp.io</Host>
- <Pass encoding="base64"></Pass>
  </Server></Servers></FileZilla3>
""",
        "placeholders/etc/shadow": """\
- root:*:19345:0:99999:7:::
- bin:!:19345::::::
""",
        "placeholders/home/carol/.bash_history": """\
- mysql -u root -p
- curl -u "$USER:$PASS" https://api.corp.io
- sshpass -p "$SSHPASS" ssh host
- curl -u user:password https://example.com
""",
        "placeholders/home/carol/.aws/credentials": """\
  [default]
- aws_access_key_id = AKIAIOSFODNN7EXAMPLE
- aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
""",
    }


def _ppk(g: Gen) -> str:
    pub = [g.r(A + "+/", 64) for _ in range(5)] + [g.r(A + "+/", 24)]
    priv = [g.r(A + "+/", 64) for _ in range(13)] + [g.r(A + "+/", 44)]
    return ("+ PuTTY-User-Key-File-2: ssh-rsa\n  Encryption: none\n  Comment: rsa-key-20240105\n"
            f"  Public-Lines: {len(pub)}\n" + "".join(f"  {ln}\n" for ln in pub)
            + f"  Private-Lines: {len(priv)}\n" + "".join(f"  {ln}\n" for ln in priv)
            + f"  Private-MAC: {g.r(HEX, 40)}")


def _openssh() -> str:
    key = ed25519.Ed25519PrivateKey.generate().private_bytes(
        ser.Encoding.PEM, ser.PrivateFormat.OpenSSH, ser.NoEncryption()).decode().strip()
    first, *rest = key.splitlines()
    return "\n".join([f"+ {first}", *(f"  {ln}" for ln in rest)])


Where = tuple[str, int]


def build(root: Path) -> tuple[set[Where], dict[Where, str], set[Where]]:
    """Write the tree; ``(risky lines, family of each, the risky lines knowingly missed)``."""
    g = Gen(SEED)
    texts = files(g)
    texts["credfiles/home/alice/keys/deploy.ppk"] = _ppk(g) + "\n"
    texts["credfiles/home/alice/.ssh/id_ed25519"] = _openssh() + "\n"
    db_path = "credfiles/home/alice/.config/gcloud/credentials.db"
    del texts[db_path]
    _ = rsa  # RSA keys are covered by the evaluation set; ed25519 keeps this fast
    risky: set[Where] = set()
    misses: set[Where] = set()
    family: dict[Where, str] = {}
    for path, marked in texts.items():
        out = []
        for n, line in enumerate(marked.split("\n")[:-1], start=1):
            mark, body = line[:2], line[2:]
            if mark not in ("+ ", "? ", "- ", "  "):
                raise ValueError(f"{path}:{n}: line must start with '+ ', '? ', '- ' or '  '")
            if mark in ("+ ", "? "):
                risky.add((path, n))
                family[(path, n)] = path.split("/", 1)[0]
            if mark == "? ":
                misses.add((path, n))
            out.append(body)
        full = root / path
        full.parent.mkdir(parents=True, exist_ok=True)
        full.write_text("\n".join(out) + "\n", encoding="utf-8")
    _gcloud_db(root / db_path, g)
    risky.add((db_path, 2))  # the second account's row holds a refresh token
    family[(db_path, 2)] = "credfiles"
    return risky, family, misses


def _gcloud_db(path: Path, g: Gen) -> None:
    """gcloud's credentials.db: (account_id, value JSON); the first row is a service
    account without a key (workload identity), the second a user's refresh token."""
    import json
    import sqlite3

    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE credentials (account_id TEXT PRIMARY KEY, value BLOB)")
    rows = [("ci@corp-prod.iam.gserviceaccount.com",
             {"type": "external_account", "audience": "//iam.googleapis.com/projects/1/x"}),
            ("alice@corp.io",
             {"client_id": "764086051850-6qr4p6gpi6hn506pt8ejuq83di341hur.apps.googleusercontent.com",
              "client_secret": "d-FL95Q19q7MQmFpd7hHD0Ty",
              "refresh_token": "1//0g" + g.r(A + "_-", 98), "type": "authorized_user"})]
    con.executemany("INSERT INTO credentials VALUES (?, ?)",
                    [(a, json.dumps(v)) for a, v in rows])
    con.commit()
    con.close()


if __name__ == "__main__":
    build(Path(sys.argv[1]))
