/**
 * The API, token and DCR-client commands, registered on the root program in one call,
 * with the exit codes documented in the root's --help.
 */
import type { Command } from 'commander'
import { registerAuditCommands } from './audit.js'
import { registerBackupCommand } from './backup.js'
import { registerClientCommands } from './client.js'
import { registerClientIdDocumentCommand } from './client-id-document.js'
import { registerClientsCommands } from './clients-orphans.js'
import { registerDoctor } from './doctor.js'
import { registerMigrateCommand } from './migrate.js'
import { registerRegistrationCommands } from './registration.js'
import { EXIT_CODES_HELP, exitOnUsageError } from './run.js'
import { registerSecretsCommands } from './secrets.js'
import { registerServiceCommands } from './service.js'
import { registerTokenCommands } from './token.js'
import { registerTransferCommands } from './transfer.js'
import { registerWebhookCommands } from './webhook.js'

export function registerApiCommands(program: Command): void {
  exitOnUsageError(program)
  registerServiceCommands(program)
  registerClientCommands(program)
  registerClientsCommands(program)
  registerTokenCommands(program)
  registerAuditCommands(program)
  registerWebhookCommands(program)
  registerRegistrationCommands(program)
  registerClientIdDocumentCommand(program)
  registerDoctor(program)
  registerSecretsCommands(program)
  registerBackupCommand(program)
  registerMigrateCommand(program)
  registerTransferCommands(program)
  program.addHelpText(
    'after',
    `${EXIT_CODES_HELP}

Environment:
  REGISTRAR_URL           --url of the API commands (default http://127.0.0.1:8080)
  REGISTRAR_ADMIN_TOKEN   --token of the API commands
  REGISTRAR_CREDENTIALS   --credentials of register and registration (default ./registrar-credentials.json)

Examples:
  registrar serve --port 8080
  registrar service create --name "Demo AS" --json
  registrar register --issuer http://127.0.0.1:8080/SERVICE_ID --metadata metadata.json
  registrar doctor --service SERVICE_ID`,
  )
}
