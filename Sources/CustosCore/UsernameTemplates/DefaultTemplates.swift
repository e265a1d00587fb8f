extension UsernameTemplate {
    /// The default `username_template` of each Vault database plugin, used when a
    /// connection sets none. Copied from the plugins' `defaultUserNameTemplate`
    /// constants; each fits the target's identifier length limit.
    package enum Defaults {
        /// PostgreSQL (plugins/database/postgresql): 63 = NAMEDATALEN - 1.
        package static let postgreSQL =
            #"{{ printf "v-%s-%s-%s-%s" (.DisplayName | truncate 8) (.RoleName | truncate 8) (random 20) (unix_time) | truncate 63 }}"#

        /// Redshift: PostgreSQL's shape, lower-cased because Redshift folds names.
        package static let redshift =
            #"{{ printf "v-%s-%s-%s-%s" (.DisplayName | truncate 8) (.RoleName | truncate 8) (random 20) (unix_time) | truncate 63 | lowercase }}"#

        /// MySQL 5.7+ / MariaDB: 32-character user names.
        package static let mySQL =
            #"{{ printf "v-%s-%s-%s-%s" (.DisplayName | truncate 10) (.RoleName | truncate 10) (random 20) (unix_time) | truncate 32 }}"#

        /// Legacy MySQL (< 5.7) and RDS legacy plugins: 16-character user names.
        package static let mySQLLegacy =
            #"{{ printf "v-%s-%s-%s" (.RoleName | truncate 4) (random 20) | truncate 16 }}"#

        /// Microsoft SQL Server: 128-character logins.
        package static let msSQL =
            #"{{ printf "v-%s-%s-%s-%s" (.DisplayName | truncate 20) (.RoleName | truncate 20) (random 20) (unix_time) | truncate 128 }}"#
    }
}
