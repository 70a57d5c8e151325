#Requires -Version 5.1
#Requires -RunAsAdministrator
<#
.SYNOPSIS
    Installs BankID Kiosk for all users and prepares its protected settings folder.

.DESCRIPTION
    1. Installs the kiosk silently from the NSIS installer (.exe: /S /allusers) or the MSI
       (msiexec /i ... /qn). Use one of the two per machine, never both.
    2. Creates %ProgramData%\BankID Kiosk with its own access list: Administrators and SYSTEM full
       control, Users read. Only administrators can change what the kiosk is configured to do.
    3. Copies a settings template to settings.json (only if there is none yet, unless -ReplaceSettings).
    4. Optionally copies the RP certificate and writes the passphrase file, each readable only by
       SYSTEM, Administrators and the local group -KioskGroup (the account the kiosk runs as is added
       to that group by Set-KioskLockdown.ps1).
    5. Gives the same protection to every file settings.json names (bankid.certificate.*,
       bankid.passphrase.file, bankid.ca, handoff.secret.file, handoff.certificate.*,
       handoff.passphrase.file, handoff.ca, health.heartbeat.secret.file, health.heartbeat.ca;
       relative paths are relative to the settings folder) and to every other file in the settings
       folder except settings.json and settings.json.bak (not its subfolders: health\ may be there).
       A named file outside the folder is protected too, with a warning: keep secrets in the folder.
       A named file that does not exist, or is a link (a reparse point, not followed), is reported.
       health.file is left alone: the kiosk writes it and monitoring reads it.
    Run it again at any time: every step is safe to repeat, and after adding a secret file run it
    with -SkipInstall to protect that file. Supports -WhatIf.

    The passphrase is never written to the console or the log. It never goes into settings.json:
    settings.json names the passphrase file ("passphrase": { "file": "rp-passphrase.txt" }).

.PARAMETER Installer
    Path to "BankID Kiosk Setup <version>.exe" or "BankID Kiosk <version>.msi". Required unless -SkipInstall.

.PARAMETER SettingsTemplate
    settings.json to start from. Default: settings.example.json in the folder above this script.

.PARAMETER ReplaceSettings
    Overwrite an existing settings.json with the template (the old one is kept as settings.json.bak).

.PARAMETER CertificatePath
    The RP certificate from the bank (.p12/.pfx), copied to %ProgramData%\BankID Kiosk\rp-certificate.p12.

.PARAMETER PassphraseFile
    A file that holds only the certificate's passphrase; copied to rp-passphrase.txt. Delete your
    copy afterwards. Alternatively use -Passphrase.

.PARAMETER Passphrase
    The certificate's passphrase as a SecureString, e.g. (Read-Host -AsSecureString 'Passphrase').

.PARAMETER KioskGroup
    Local group whose members may read the certificate and passphrase. Created if missing.

.PARAMETER SkipInstall
    Only prepare the settings folder and secrets (the app is already installed).

.EXAMPLE
    .\Install-Kiosk.ps1 -Installer '.\BankID Kiosk Setup 1.0.0.exe' -CertificatePath .\rp.p12 -Passphrase (Read-Host -AsSecureString 'Passphrase')

.EXAMPLE
    .\Install-Kiosk.ps1 -Installer '.\BankID Kiosk 1.0.0.msi' -WhatIf
#>
[CmdletBinding(SupportsShouldProcess = $true, DefaultParameterSetName = 'PassphraseFile')]
param(
    [Parameter(Position = 0)]
    [ValidateScript({ Test-Path -LiteralPath $_ -PathType Leaf })]
    [string] $Installer,

    [ValidateScript({ Test-Path -LiteralPath $_ -PathType Leaf })]
    [string] $SettingsTemplate = (Join-Path (Split-Path -Parent $PSScriptRoot) 'settings.example.json'),

    [switch] $ReplaceSettings,

    [ValidateScript({ Test-Path -LiteralPath $_ -PathType Leaf })]
    [string] $CertificatePath,

    [Parameter(ParameterSetName = 'PassphraseFile')]
    [ValidateScript({ Test-Path -LiteralPath $_ -PathType Leaf })]
    [string] $PassphraseFile,

    [Parameter(ParameterSetName = 'Passphrase')]
    [System.Security.SecureString] $Passphrase,

    [ValidatePattern('^[^\\/"\[\]:;|=,+*?<>]{1,256}$')]
    [string] $KioskGroup = 'BankID Kiosk Users',

    [switch] $SkipInstall
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

# 32-bit PowerShell (Intune's default for scripts, SCCM's 32-bit host) would see
# "C:\Program Files (x86)" and the 32-bit registry view: refuse rather than configure the wrong places.
if (-not [Environment]::Is64BitProcess) {
    throw 'Run this script in 64-bit PowerShell (Intune: "Run script in 64 bit PowerShell Host" = Yes; or %SystemRoot%\sysnative\WindowsPowerShell\v1.0\powershell.exe).'
}

$ProductName = 'BankID Kiosk'
$ConfigDir = Join-Path $env:ProgramData $ProductName
$SettingsFile = Join-Path $ConfigDir 'settings.json'
$CertificateFile = Join-Path $ConfigDir 'rp-certificate.p12'
$PassphraseTarget = Join-Path $ConfigDir 'rp-passphrase.txt'
$InstalledExe = Join-Path $env:ProgramFiles "$ProductName\$ProductName.exe"

# The settings that name a file (docs/settings.md). handoff.certificate.cert and .key are not
# accepted by the kiosk today (PKCS#12 only); they are listed so that they stay covered if they ever
# are. health.file is deliberately absent: the kiosk writes it and monitoring reads it.
$SecretFileSettings = @(
    'bankid.ca', 'bankid.certificate.pkcs12', 'bankid.certificate.cert', 'bankid.certificate.key',
    'bankid.passphrase.file',
    'handoff.secret.file', 'handoff.certificate.pkcs12', 'handoff.certificate.cert', 'handoff.certificate.key',
    'handoff.passphrase.file', 'handoff.ca',
    'health.heartbeat.secret.file', 'health.heartbeat.ca'
)

# Well-known SIDs, not names: on a Swedish Windows the group is "Administratörer".
$SidSystem = New-Object System.Security.Principal.SecurityIdentifier 'S-1-5-18'
$SidAdministrators = New-Object System.Security.Principal.SecurityIdentifier 'S-1-5-32-544'
$SidUsers = New-Object System.Security.Principal.SecurityIdentifier 'S-1-5-32-545'

function Write-Step([string] $Message) { Write-Host "==> $Message" }

function Install-Application {
    $path = (Resolve-Path -LiteralPath $Installer).ProviderPath
    $extension = [System.IO.Path]::GetExtension($path).ToLowerInvariant()
    if ($extension -eq '.exe') {
        $file = $path
        $arguments = @('/S', '/allusers')            # silent, per machine; the folder is fixed
    } elseif ($extension -eq '.msi') {
        $log = Join-Path $env:TEMP 'bankid-kiosk-msi.log'
        $file = Join-Path $env:SystemRoot 'System32\msiexec.exe'
        $arguments = @('/i', "`"$path`"", '/qn', '/norestart', '/l*v', "`"$log`"")
    } else {
        throw "The installer must be the .exe or the .msi, not '$path'."
    }
    if (-not $PSCmdlet.ShouldProcess($path, 'Install silently for all users')) { return }
    Write-Step "Installing $path"
    $process = Start-Process -FilePath $file -ArgumentList $arguments -Wait -PassThru
    # 3010: installed, a restart is needed to finish.
    if ($process.ExitCode -ne 0 -and $process.ExitCode -ne 3010) {
        throw "The installer failed with exit code $($process.ExitCode)."
    }
    if ($process.ExitCode -eq 3010) { Write-Warning 'Installed; Windows needs a restart to finish.' }
    if (-not (Test-Path -LiteralPath $InstalledExe)) {
        throw "The installer finished but $InstalledExe is missing."
    }
}

function New-Rule($Sid, [string] $Rights, [bool] $Inherit) {
    $inheritance = if ($Inherit) { 'ContainerInherit, ObjectInherit' } else { 'None' }
    New-Object System.Security.AccessControl.FileSystemAccessRule($Sid, $Rights, $inheritance, 'None', 'Allow')
}

function Set-ConfigFolderAcl {
    # Not inherited from ProgramData (where Users may create files): exactly these three entries.
    $acl = New-Object System.Security.AccessControl.DirectorySecurity
    $acl.SetOwner($SidAdministrators)
    $acl.SetAccessRuleProtection($true, $false)
    $acl.AddAccessRule((New-Rule $SidSystem 'FullControl' $true))
    $acl.AddAccessRule((New-Rule $SidAdministrators 'FullControl' $true))
    $acl.AddAccessRule((New-Rule $SidUsers 'ReadAndExecute' $true))
    Set-Acl -LiteralPath $ConfigDir -AclObject $acl
}

function Get-KioskGroupSid {
    $group = Get-LocalGroup -Name $KioskGroup -ErrorAction SilentlyContinue
    if ($null -eq $group) {
        if (-not $PSCmdlet.ShouldProcess($KioskGroup, 'Create local group')) { return $null }
        $group = New-LocalGroup -Name $KioskGroup -Description 'Reads the BankID Kiosk certificate'
    }
    return $group.SID
}

function Protect-SecretFile([string] $Path) {
    # Readable by SYSTEM, Administrators and the kiosk group only; Users lose the inherited read.
    $groupSid = Get-KioskGroupSid
    $acl = New-Object System.Security.AccessControl.FileSecurity
    $acl.SetOwner($SidAdministrators)
    $acl.SetAccessRuleProtection($true, $false)
    $acl.AddAccessRule((New-Rule $SidSystem 'FullControl' $false))
    $acl.AddAccessRule((New-Rule $SidAdministrators 'FullControl' $false))
    if ($null -ne $groupSid) { $acl.AddAccessRule((New-Rule $groupSid 'Read' $false)) }
    Set-Acl -LiteralPath $Path -AclObject $acl
}

# A setting's value by its dotted name ('handoff.secret.file'), or $null when it is not there.
# PSObject.Properties, not $node.$part: under Set-StrictMode a missing property is an error.
function Get-SettingValue($Settings, [string] $Name) {
    $node = $Settings
    foreach ($part in $Name.Split('.')) {
        if ($node -isnot [System.Management.Automation.PSCustomObject]) { return $null }
        $property = $node.PSObject.Properties[$part]
        if ($null -eq $property) { return $null }
        $node = $property.Value
    }
    return $node
}

# True when the file, or a folder above it, is a symbolic link or junction (a reparse point).
function Test-ReparsePoint([string] $Path) {
    for ($at = $Path; -not [string]::IsNullOrEmpty($at); $at = Split-Path -Parent $at) {
        $item = Get-Item -LiteralPath $at -Force
        if (($item.Attributes -band [System.IO.FileAttributes]::ReparsePoint) -ne 0) { return $true }
    }
    return $false
}

# Full paths of the files settings.json names, relative ones resolved against the settings folder.
function Get-NamedSecretFiles([string] $Path) {
    try {
        # ReadAllText with UTF-8: Get-Content in PowerShell 5.1 would read a file without a
        # byte-order mark as ANSI and garble a path with Swedish letters in it.
        $settings = [System.IO.File]::ReadAllText($Path, (New-Object System.Text.UTF8Encoding $false)) | ConvertFrom-Json
    } catch {
        Write-Warning "$Path is not valid JSON ($($_.Exception.Message)): the files it names were not protected. Correct it and run this script again."
        $script:SecretProblems++
        return
    }
    foreach ($name in $SecretFileSettings) {
        $value = Get-SettingValue $settings $name
        if ($null -eq $value) { continue }
        if ($value -isnot [string] -or $value.Trim() -eq '') {
            Write-Warning "Setting $name is not the path of a file: nothing protected for it."
            $script:SecretProblems++
            continue
        }
        # Combine returns $value itself when it is absolute (D:\Certificates\rp.p12 or D:/...).
        [pscustomobject] @{
            Setting = $name
            Path    = [System.IO.Path]::GetFullPath([System.IO.Path]::Combine($ConfigDir, $value))
        }
    }
}

# Every file settings.json names, and every other file in the settings folder, readable by SYSTEM,
# Administrators and the kiosk group only. A file that could not be protected is reported, the
# others are still done, and the script then fails (a missing file or one outside the folder only
# warns).
function Protect-AllSecretFiles([string] $SettingsPath) {
    $script:SecretProblems = 0
    $inFolder = $ConfigDir.TrimEnd('\') + '\'
    $targets = New-Object 'System.Collections.Generic.List[object]'
    if (Test-Path -LiteralPath $ConfigDir -PathType Container) {
        foreach ($file in Get-ChildItem -LiteralPath $ConfigDir -File -Force) {
            if ($file.Name -eq 'settings.json' -or $file.Name -eq 'settings.json.bak') { continue }
            $targets.Add([pscustomobject] @{ Setting = $null; Path = $file.FullName })
        }
    }
    if (Test-Path -LiteralPath $SettingsPath -PathType Leaf) {
        foreach ($named in Get-NamedSecretFiles $SettingsPath) { $targets.Add($named) }
    } else {
        Write-Warning "No $SettingsPath yet: only the files in $ConfigDir were protected."
    }
    $done = @{}
    foreach ($target in $targets) {
        $path = $target.Path
        $label = if ($target.Setting) { "Setting $($target.Setting): $path" } else { $path }
        if ($done.ContainsKey($path)) { continue }
        if (-not $path.StartsWith($inFolder, [System.StringComparison]::OrdinalIgnoreCase)) {
            Write-Warning "$label is outside ${ConfigDir}: keep secrets in the settings folder."
        } elseif ($path -ieq $SettingsFile -or $path -ieq "$SettingsFile.bak") {
            Write-Warning "$label is the settings file, which is not a secret: left as it is."
            $script:SecretProblems++
            continue
        }
        if (-not (Test-Path -LiteralPath $path -PathType Leaf)) {
            Write-Warning "$label does not exist (nothing to protect; the kiosk stays out of service until it does)."
            continue
        }
        if (Test-ReparsePoint $path) {
            Write-Warning "$label is, or is in a folder that is, a link (reparse point): not followed, left as it is. Put the file itself there."
            $script:SecretProblems++
            continue
        }
        if ($PSCmdlet.ShouldProcess($path, 'Make readable by SYSTEM, Administrators and the kiosk group only')) {
            try {
                Protect-SecretFile $path
                Write-Step "Protected $path"
            } catch {
                Write-Warning "$label could not be protected: $($_.Exception.Message)"
                $script:SecretProblems++
            }
        }
        $done[$path] = $true
    }
    if ($script:SecretProblems -gt 0) {
        throw "$($script:SecretProblems) secret file problem(s), see the warnings above: fix them and run this script again (-SkipInstall)."
    }
}

function New-ProtectedEmptyFile([string] $Path) {
    # Create and lock the file down BEFORE the secret goes in, so it is never readable by Users.
    if (-not (Test-Path -LiteralPath $Path)) { New-Item -ItemType File -Path $Path | Out-Null }
    Protect-SecretFile $Path
}

# ---- 1. the application ----
if ($SkipInstall) {
    Write-Step 'Skipping the installation (-SkipInstall)'
} elseif (-not $Installer) {
    throw 'Name the installer with -Installer (the .exe or the .msi), or use -SkipInstall.'
} else {
    Install-Application
}

# ---- 2. the settings folder ----
if ($PSCmdlet.ShouldProcess($ConfigDir, 'Create with ACL: Administrators/SYSTEM full control, Users read')) {
    Write-Step "Preparing $ConfigDir"
    if (-not (Test-Path -LiteralPath $ConfigDir)) { New-Item -ItemType Directory -Path $ConfigDir | Out-Null }
    Set-ConfigFolderAcl
}

# ---- 3. settings.json ----
$settingsExists = Test-Path -LiteralPath $SettingsFile
if ($settingsExists -and -not $ReplaceSettings) {
    Write-Step "Keeping the existing $SettingsFile (use -ReplaceSettings to overwrite it)"
} elseif ($PSCmdlet.ShouldProcess($SettingsFile, "Copy the template $SettingsTemplate")) {
    if ($settingsExists) { Copy-Item -LiteralPath $SettingsFile -Destination "$SettingsFile.bak" -Force }
    # A byte copy: the kiosk reads UTF-8 without a byte-order mark (Set-Content -Encoding UTF8 would add one).
    Copy-Item -LiteralPath $SettingsTemplate -Destination $SettingsFile -Force
    Write-Step "Copied the settings template to ${SettingsFile}; edit it before the kiosk goes live"
}

# ---- 4. the RP certificate and passphrase ----
if ($CertificatePath -and $PSCmdlet.ShouldProcess($CertificateFile, 'Copy the RP certificate, readable by SYSTEM, Administrators and the kiosk group')) {
    New-ProtectedEmptyFile $CertificateFile
    [System.IO.File]::WriteAllBytes($CertificateFile, [System.IO.File]::ReadAllBytes((Resolve-Path -LiteralPath $CertificatePath).ProviderPath))
    Write-Step "RP certificate: $CertificateFile"
}

if (($PassphraseFile -or $Passphrase) -and $PSCmdlet.ShouldProcess($PassphraseTarget, 'Write the passphrase file, readable by SYSTEM, Administrators and the kiosk group')) {
    New-ProtectedEmptyFile $PassphraseTarget
    if ($PassphraseFile) {
        [System.IO.File]::WriteAllBytes($PassphraseTarget, [System.IO.File]::ReadAllBytes((Resolve-Path -LiteralPath $PassphraseFile).ProviderPath))
    } else {
        $bstr = [System.Runtime.InteropServices.Marshal]::SecureStringToBSTR($Passphrase)
        try {
            $plain = [System.Runtime.InteropServices.Marshal]::PtrToStringBSTR($bstr)
            # UTF-8 without a byte-order mark and without a line break: exactly the passphrase.
            [System.IO.File]::WriteAllText($PassphraseTarget, $plain, (New-Object System.Text.UTF8Encoding $false))
        } finally {
            [System.Runtime.InteropServices.Marshal]::ZeroFreeBSTR($bstr)
            $plain = $null
        }
    }
    Write-Step "Passphrase file: $PassphraseTarget"
}

# ---- 5. every secret file: the ones settings.json names, and every other file in the folder ----
# Under -WhatIf a template that would have been copied is not there yet: read the template instead.
$settingsToRead = if (Test-Path -LiteralPath $SettingsFile) { $SettingsFile } else { $SettingsTemplate }
Protect-AllSecretFiles $settingsToRead

Write-Step 'Done. Next: edit settings.json (then run this script again with -SkipInstall to protect the files it names), then run Set-KioskLockdown.ps1 (as SYSTEM) to make this a kiosk.'
