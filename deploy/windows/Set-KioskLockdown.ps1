#Requires -Version 5.1
#Requires -RunAsAdministrator
<#
.SYNOPSIS
    Turns this PC into a BankID Kiosk terminal: a local kiosk account that signs in by itself and
    gets the kiosk instead of the Windows desktop. -Undo reverses it.

.DESCRIPTION
    Electron's kiosk mode is only full screen on Windows; the lockdown has to come from Windows:

    1. A local standard account (-KioskUser, default "kiosk") with a long random password nobody
       knows, member of Users and of -KioskGroup (which may read the RP certificate and passphrase,
       see Install-Kiosk.ps1).
    2. Shell Launcher v2 (Assigned Access CSP, applied through the MDM_AssignedAccess WMI bridge):
       for that account the shell is the kiosk instead of explorer.exe, started as
         "C:\Program Files\BankID Kiosk\BankID Kiosk.exe" --settings "C:\ProgramData\BankID Kiosk\settings.json"
       and restarted whenever it exits. Every other account keeps explorer.exe.
    3. Policies for the kiosk account (its own registry hive), because Shell Launcher alone still
       lets Ctrl+Alt+Del open Task Manager: DisableTaskMgr, DisableLockWorkstation,
       DisableChangePassword, DisableRegistryTools, DisableCMD (prompt only), NoLogoff, NoClose;
       and for the machine: HideFastUserSwitching, AllowEdgeSwipe=0 (touch screens).
    4. Automatic sign-in of the kiosk account (Winlogon; the password is stored as the LSA secret
       DefaultPassword like Sysinternals Autologon does, never in the registry in clear text).
       Skip with -SkipAutoLogon if you sign in the account another way.

    Requirements: Windows 10/11 Enterprise, Education or IoT Enterprise (Shell Launcher is not
    available on Pro); run as SYSTEM, because the MDM WMI bridge accepts device settings only from
    SYSTEM: Intune and SCCM scripts run as SYSTEM; by hand use
        psexec.exe -s -i powershell.exe -ExecutionPolicy Bypass -File .\Set-KioskLockdown.ps1
    Shell Launcher and Assigned Access cannot both be configured: this script refuses if an
    Assigned Access configuration exists. Restart the PC afterwards. Supports -WhatIf.

    Servicing a locked-down kiosk: sign in remotely, or restart and hold Shift while Windows signs
    in to get the normal sign-in screen for an administrator account.

.PARAMETER KioskUser
    Name of the local account the kiosk runs as. Created if missing.

.PARAMETER KioskGroup
    Local group whose members may read the RP certificate and passphrase. Created if missing.

.PARAMETER AppPath
    The kiosk executable (the installers put it in C:\Program Files\BankID Kiosk).

.PARAMETER SettingsPath
    The settings file, passed with --settings so that a missing file puts the kiosk out of service
    instead of starting it on the built-in simulator.

.PARAMETER SkipAutoLogon
    Do not configure automatic sign-in and do not reset the account's password. A new account then
    gets a random password nobody knows: set one yourself (Set-LocalUser) and sign it in your way.

.PARAMETER Undo
    Remove the Shell Launcher configuration, the policies and the automatic sign-in.

.PARAMETER RemoveKioskUser
    With -Undo: also delete the kiosk account (its profile folder under C:\Users stays).

.EXAMPLE
    .\Set-KioskLockdown.ps1                  # as SYSTEM; then restart

.EXAMPLE
    .\Set-KioskLockdown.ps1 -Undo -RemoveKioskUser
#>
[CmdletBinding(SupportsShouldProcess = $true)]
param(
    [ValidatePattern('^[A-Za-z0-9._-]{1,20}$')]
    [string] $KioskUser = 'kiosk',

    [ValidatePattern('^[^\\/"\[\]:;|=,+*?<>]{1,256}$')]
    [string] $KioskGroup = 'BankID Kiosk Users',

    [string] $AppPath = (Join-Path $env:ProgramFiles 'BankID Kiosk\BankID Kiosk.exe'),

    [string] $SettingsPath = (Join-Path $env:ProgramData 'BankID Kiosk\settings.json'),

    [switch] $SkipAutoLogon,

    [switch] $Undo,

    [switch] $RemoveKioskUser
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

# 32-bit PowerShell (Intune's default for scripts, SCCM's 32-bit host) would see
# "C:\Program Files (x86)" and the 32-bit registry view: refuse rather than configure the wrong places.
if (-not [Environment]::Is64BitProcess) {
    throw 'Run this script in 64-bit PowerShell (Intune: "Run script in 64 bit PowerShell Host" = Yes; or %SystemRoot%\sysnative\WindowsPowerShell\v1.0\powershell.exe).'
}

# A fixed id, so that running the script again replaces its own profile instead of adding one.
$ProfileId = '{3F6D2C1A-8B4E-4F7D-9A21-5C0E7B9D4A62}'
$SidUsers = New-Object System.Security.Principal.SecurityIdentifier 'S-1-5-32-545'

$UserPolicies = [ordered]@{
    'Software\Microsoft\Windows\CurrentVersion\Policies\System'   = [ordered]@{
        DisableTaskMgr         = 1   # Ctrl+Alt+Del: no Task Manager
        DisableLockWorkstation = 1   # Ctrl+Alt+Del: no Lock
        DisableChangePassword  = 1   # Ctrl+Alt+Del: no Change a password
        DisableRegistryTools   = 1
    }
    'Software\Microsoft\Windows\CurrentVersion\Policies\Explorer' = [ordered]@{
        NoLogoff = 1                 # Ctrl+Alt+Del: no Sign out
        NoClose  = 1                 # no Shut down / Restart in the Windows UI (the power button still works)
    }
    'Software\Policies\Microsoft\Windows\System'                  = [ordered]@{
        DisableCMD = 2               # no command prompt (2: logon scripts still run)
    }
}
$MachinePolicies = [ordered]@{
    'SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System' = [ordered]@{
        HideFastUserSwitching = 1    # Ctrl+Alt+Del: no Switch user
    }
    'SOFTWARE\Policies\Microsoft\Windows\EdgeUI'                 = [ordered]@{
        AllowEdgeSwipe = 0           # no swipe-in from the screen edges on touch screens
    }
}
$WinlogonKey = 'SOFTWARE\Microsoft\Windows NT\CurrentVersion\Winlogon'

function Write-Step([string] $Message) { Write-Host "==> $Message" }

# ---- checks ----

function Assert-Prerequisites {
    $edition = (Get-ItemProperty -LiteralPath 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion').EditionID
    if ($edition -notmatch '^(Enterprise|Education|IoTEnterprise)') {
        throw "Shell Launcher needs Windows Enterprise, Education or IoT Enterprise; this is '$edition'. See docs/deployment.md for Windows Pro."
    }
    if ($WhatIfPreference) { return }
    if (-not [System.Security.Principal.WindowsIdentity]::GetCurrent().IsSystem) {
        throw 'Run this script as SYSTEM (Intune/SCCM do; by hand: psexec.exe -s -i powershell.exe -ExecutionPolicy Bypass -File .\Set-KioskLockdown.ps1). The MDM WMI bridge refuses device settings from other accounts.'
    }
}

# ---- registry helpers (.NET keys, disposed, so that a loaded hive can be unloaded) ----

function Set-RegistryValues([Microsoft.Win32.RegistryKey] $Root, [System.Collections.IDictionary] $Policies) {
    foreach ($subKey in $Policies.Keys) {
        $key = $Root.CreateSubKey($subKey)
        try {
            $values = $Policies[$subKey]
            foreach ($name in $values.Keys) {
                $key.SetValue($name, [int] $values[$name], [Microsoft.Win32.RegistryValueKind]::DWord)
            }
        } finally { $key.Dispose() }
    }
}

function Remove-RegistryValues([Microsoft.Win32.RegistryKey] $Root, [System.Collections.IDictionary] $Policies) {
    foreach ($subKey in $Policies.Keys) {
        $key = $Root.OpenSubKey($subKey, $true)
        if ($null -eq $key) { continue }
        try {
            foreach ($name in $Policies[$subKey].Keys) { $key.DeleteValue($name, $false) }
        } finally { $key.Dispose() }
    }
}

# ---- the account and its profile ----

# Compiled once per PowerShell session (Add-Type cannot replace a type it already added).
if (-not ('BankIdKiosk.Native' -as [type])) {
    Add-Type -Namespace BankIdKiosk -Name Native -MemberDefinition @'
[DllImport("userenv.dll", CharSet = CharSet.Unicode)]
public static extern int CreateProfile(string pszUserSid, string pszUserName, System.Text.StringBuilder pszProfilePath, uint cchProfilePath);
'@
}

if (-not ('BankIdKiosk.LsaSecret' -as [type])) {
    Add-Type -TypeDefinition @'
using System;
using System.ComponentModel;
using System.Runtime.InteropServices;

namespace BankIdKiosk {
    // Stores (or with null deletes) an LSA secret, as Sysinternals Autologon does for DefaultPassword.
    public static class LsaSecret {
        [StructLayout(LayoutKind.Sequential)]
        private struct LSA_UNICODE_STRING { public ushort Length; public ushort MaximumLength; public IntPtr Buffer; }
        [StructLayout(LayoutKind.Sequential)]
        private struct LSA_OBJECT_ATTRIBUTES {
            public int Length; public IntPtr RootDirectory; public IntPtr ObjectName; public uint Attributes;
            public IntPtr SecurityDescriptor; public IntPtr SecurityQualityOfService;
        }
        [DllImport("advapi32.dll")]
        private static extern uint LsaOpenPolicy(IntPtr systemName, ref LSA_OBJECT_ATTRIBUTES attributes, uint access, out IntPtr policy);
        [DllImport("advapi32.dll")]
        private static extern uint LsaStorePrivateData(IntPtr policy, ref LSA_UNICODE_STRING keyName, IntPtr privateData);
        [DllImport("advapi32.dll")]
        private static extern uint LsaClose(IntPtr policy);
        [DllImport("advapi32.dll")]
        private static extern int LsaNtStatusToWinError(uint status);
        private const uint POLICY_CREATE_SECRET = 0x20;
        private const uint STATUS_OBJECT_NAME_NOT_FOUND = 0xC0000034;

        private static LSA_UNICODE_STRING Make(string text) {
            LSA_UNICODE_STRING result = new LSA_UNICODE_STRING();
            result.Buffer = Marshal.StringToHGlobalUni(text);
            result.Length = (ushort)(text.Length * 2);
            result.MaximumLength = (ushort)((text.Length + 1) * 2);
            return result;
        }

        public static void Store(string name, string secret) {
            LSA_OBJECT_ATTRIBUTES attributes = new LSA_OBJECT_ATTRIBUTES();
            attributes.Length = Marshal.SizeOf(typeof(LSA_OBJECT_ATTRIBUTES));
            IntPtr policy;
            uint status = LsaOpenPolicy(IntPtr.Zero, ref attributes, POLICY_CREATE_SECRET, out policy);
            if (status != 0) throw new Win32Exception(LsaNtStatusToWinError(status));
            LSA_UNICODE_STRING key = Make(name);
            LSA_UNICODE_STRING data = new LSA_UNICODE_STRING();
            IntPtr dataPointer = IntPtr.Zero;
            try {
                if (secret != null) {
                    data = Make(secret);
                    dataPointer = Marshal.AllocHGlobal(Marshal.SizeOf(typeof(LSA_UNICODE_STRING)));
                    Marshal.StructureToPtr(data, dataPointer, false);
                }
                status = LsaStorePrivateData(policy, ref key, dataPointer);
                if (status != 0 && !(secret == null && status == STATUS_OBJECT_NAME_NOT_FOUND)) {
                    throw new Win32Exception(LsaNtStatusToWinError(status));
                }
            } finally {
                LsaClose(policy);
                Marshal.FreeHGlobal(key.Buffer);
                if (dataPointer != IntPtr.Zero) Marshal.FreeHGlobal(dataPointer);
                if (data.Buffer != IntPtr.Zero) {
                    Marshal.Copy(new byte[data.MaximumLength], 0, data.Buffer, data.MaximumLength);
                    Marshal.FreeHGlobal(data.Buffer);
                }
            }
        }
    }
}
'@
}

function New-RandomPassword {
    $bytes = New-Object byte[] 32
    $rng = [System.Security.Cryptography.RandomNumberGenerator]::Create()
    try { $rng.GetBytes($bytes) } finally { $rng.Dispose() }
    # 256 random bits, plus one character of each class a password policy may demand.
    return [Convert]::ToBase64String($bytes) + 'aA1!'
}

function Add-ToGroup($GroupSid, $User) {
    try {
        Add-LocalGroupMember -SID $GroupSid -Member $User -ErrorAction Stop
    } catch {
        if ($_.FullyQualifiedErrorId -notlike 'MemberExists*') { throw }
        Write-Verbose "$($User.Name) is already a member of $GroupSid"
    }
}

function Get-KioskAccount {
    return Get-LocalUser -Name $KioskUser -ErrorAction SilentlyContinue
}

function Initialize-KioskAccount([string] $Password) {
    $secure = if ($Password) { ConvertTo-SecureString -String $Password -AsPlainText -Force } else { $null }
    $user = Get-KioskAccount
    if ($null -eq $user) {
        if ($null -eq $secure) { $secure = ConvertTo-SecureString -String (New-RandomPassword) -AsPlainText -Force }
        $user = New-LocalUser -Name $KioskUser -Password $secure -FullName 'BankID Kiosk' `
            -Description 'Runs the BankID Kiosk (Shell Launcher)' -PasswordNeverExpires -UserMayNotChangePassword -AccountNeverExpires
        Write-Step "Created the local account $KioskUser"
    } elseif ($null -ne $secure) {
        Set-LocalUser -InputObject $user -Password $secure -PasswordNeverExpires $true -UserMayChangePassword $false
        Enable-LocalUser -InputObject $user
        Write-Step "Reset the password of $KioskUser (for the automatic sign-in)"
    }
    Add-ToGroup $SidUsers $user
    $group = Get-LocalGroup -Name $KioskGroup -ErrorAction SilentlyContinue
    if ($null -eq $group) {
        $group = New-LocalGroup -Name $KioskGroup -Description 'Reads the BankID Kiosk certificate'
    }
    Add-ToGroup $group.SID $user
    return $user
}

function Get-ProfilePath([string] $Sid) {
    $key = "HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion\ProfileList\$Sid"
    if (-not (Test-Path -LiteralPath $key)) { return $null }
    return [Environment]::ExpandEnvironmentVariables((Get-ItemProperty -LiteralPath $key).ProfileImagePath)
}

function Initialize-Profile($User) {
    # A new account has no profile (and so no registry hive) until it first signs in: create it now.
    $sid = $User.SID.Value
    if ($null -eq (Get-ProfilePath $sid)) {
        $buffer = New-Object System.Text.StringBuilder 260
        $result = [BankIdKiosk.Native]::CreateProfile($sid, $User.Name, $buffer, 260)
        if ($result -ne 0 -and $result -ne -2147024713) {   # 0x800700B7: it already exists
            throw ('CreateProfile failed: 0x{0:X8}' -f $result)
        }
    }
    $path = Get-ProfilePath $sid
    if ($null -eq $path) { throw "No profile for $($User.Name) after CreateProfile." }
    return $path
}

function Invoke-WithUserHive($User, [scriptblock] $Action) {
    # The hive is in HKEY_USERS\<SID> while the account is signed in; otherwise load NTUSER.DAT.
    $sid = $User.SID.Value
    $loaded = [Microsoft.Win32.Registry]::Users.OpenSubKey($sid, $true)
    if ($null -ne $loaded) {
        try { & $Action $loaded } finally { $loaded.Dispose() }
        return
    }
    $hive = Join-Path (Initialize-Profile $User) 'NTUSER.DAT'
    $mount = 'BankIdKioskLockdown'
    & reg.exe load "HKU\$mount" "$hive" | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "reg load of $hive failed ($LASTEXITCODE)." }
    try {
        $root = [Microsoft.Win32.Registry]::Users.OpenSubKey($mount, $true)
        try { & $Action $root } finally { $root.Dispose() }
    } finally {
        [GC]::Collect()
        [GC]::WaitForPendingFinalizers()
        & reg.exe unload "HKU\$mount" | Out-Null
        if ($LASTEXITCODE -ne 0) { Write-Warning "reg unload HKU\$mount failed; it is unloaded at the next restart." }
    }
}

# ---- Shell Launcher v2 ----

function Get-AssignedAccess {
    return Get-CimInstance -Namespace 'root\cimv2\mdm\dmmap' -ClassName 'MDM_AssignedAccess'
}

function Get-ShellLauncherXml {
    $escape = { param([string] $Text) [System.Security.SecurityElement]::Escape($Text) }
    $command = '"{0}" --settings "{1}"' -f $AppPath, $SettingsPath
    $account = "$env:COMPUTERNAME\$KioskUser"
    return @"
<?xml version="1.0" encoding="utf-8"?>
<ShellLauncherConfiguration xmlns="http://schemas.microsoft.com/ShellLauncher/2018/Configuration" xmlns:V2="http://schemas.microsoft.com/ShellLauncher/2019/Configuration">
  <Profiles>
    <DefaultProfile>
      <Shell Shell="%SystemRoot%\explorer.exe"/>
    </DefaultProfile>
    <Profile Id="$ProfileId" Name="BankID Kiosk">
      <Shell Shell="$(& $escape $command)" V2:AppType="Desktop" V2:AllAppsFullScreen="true">
        <DefaultAction Action="RestartShell"/>
      </Shell>
    </Profile>
  </Profiles>
  <Configs>
    <Config>
      <Account Name="$(& $escape $account)"/>
      <Profile Id="$ProfileId"/>
    </Config>
  </Configs>
</ShellLauncherConfiguration>
"@
}

# $Xml empty: remove the configuration. (A [string] parameter turns $null into '', hence IsNullOrEmpty.)
function Set-ShellLauncher([string] $Xml) {
    $assignedAccess = Get-AssignedAccess
    $remove = [string]::IsNullOrEmpty($Xml)
    if (-not $remove -and -not [string]::IsNullOrEmpty($assignedAccess.Configuration)) {
        throw 'An Assigned Access configuration exists; Windows cannot combine it with Shell Launcher. Remove it first.'
    }
    $assignedAccess.ShellLauncher = if ($remove) { $null } else { [System.Net.WebUtility]::HtmlEncode($Xml) }
    Set-CimInstance -CimInstance $assignedAccess
}

# ---- automatic sign-in ----

# $Password empty: turn the automatic sign-in off and delete the stored password.
function Set-AutoLogon([string] $Password) {
    $key = [Microsoft.Win32.Registry]::LocalMachine.CreateSubKey($WinlogonKey)
    try {
        if (-not [string]::IsNullOrEmpty($Password)) {
            [BankIdKiosk.LsaSecret]::Store('DefaultPassword', $Password)
            $key.SetValue('DefaultUserName', $KioskUser, [Microsoft.Win32.RegistryValueKind]::String)
            $key.SetValue('DefaultDomainName', $env:COMPUTERNAME, [Microsoft.Win32.RegistryValueKind]::String)
            $key.SetValue('AutoAdminLogon', '1', [Microsoft.Win32.RegistryValueKind]::String)
        } else {
            $key.SetValue('AutoAdminLogon', '0', [Microsoft.Win32.RegistryValueKind]::String)
            [BankIdKiosk.LsaSecret]::Store('DefaultPassword', $null)
        }
        $key.DeleteValue('DefaultPassword', $false)   # never a password in clear text in the registry
        $key.DeleteValue('AutoLogonCount', $false)
    } finally { $key.Dispose() }
}

# ---- main ----

Assert-Prerequisites

if ($Undo) {
    if ($PSCmdlet.ShouldProcess('Shell Launcher', 'Remove the configuration')) {
        Set-ShellLauncher ''
        Write-Step 'Removed the Shell Launcher configuration'
    }
    if ($PSCmdlet.ShouldProcess('Automatic sign-in', 'Turn off and delete the stored password')) {
        Set-AutoLogon ''
        Write-Step 'Turned off the automatic sign-in'
    }
    if ($PSCmdlet.ShouldProcess('Machine policies', 'Remove ' + (($MachinePolicies.Values | ForEach-Object { $_.Keys }) -join ', '))) {
        Remove-RegistryValues ([Microsoft.Win32.Registry]::LocalMachine) $MachinePolicies
    }
    $user = Get-KioskAccount
    if ($null -ne $user -and $null -ne (Get-ProfilePath $user.SID.Value) -and
        $PSCmdlet.ShouldProcess($KioskUser, 'Remove the account policies')) {
        Invoke-WithUserHive $user { param($Root) Remove-RegistryValues $Root $UserPolicies }
        Write-Step "Removed the policies of $KioskUser"
    }
    if ($RemoveKioskUser -and $null -ne $user -and $PSCmdlet.ShouldProcess($KioskUser, 'Delete the local account')) {
        Remove-LocalUser -InputObject $user
        Write-Step "Deleted the account $KioskUser (its folder under C:\Users stays)"
    }
    Write-Step 'Done. Restart the PC.'
    return
}

if (-not (Test-Path -LiteralPath $AppPath)) {
    Write-Warning "$AppPath does not exist yet: install the kiosk (Install-Kiosk.ps1) before restarting."
}

$password = $null
if (-not $SkipAutoLogon) { $password = New-RandomPassword }

if ($PSCmdlet.ShouldProcess($KioskUser, "Create or update the local kiosk account, member of Users and '$KioskGroup'")) {
    $user = Initialize-KioskAccount $password
} else {
    $user = Get-KioskAccount
}

if ($null -ne $user -and $PSCmdlet.ShouldProcess($KioskUser, 'Set the account policies (no Task Manager, Lock, Sign out, Change password)')) {
    Invoke-WithUserHive $user { param($Root) Set-RegistryValues $Root $UserPolicies }
    Write-Step "Set the policies of $KioskUser"
}

if ($PSCmdlet.ShouldProcess('This PC', 'Set HideFastUserSwitching and AllowEdgeSwipe=0')) {
    Set-RegistryValues ([Microsoft.Win32.Registry]::LocalMachine) $MachinePolicies
}

if ($PSCmdlet.ShouldProcess($KioskUser, "Shell Launcher v2: start $AppPath instead of explorer.exe, restart it on exit")) {
    Set-ShellLauncher (Get-ShellLauncherXml)
    Write-Step 'Applied the Shell Launcher configuration'
}

if ($null -ne $password -and $PSCmdlet.ShouldProcess($KioskUser, 'Sign in automatically at start-up')) {
    Set-AutoLogon $password
    Write-Step "The PC signs in as $KioskUser at start-up"
}
$password = $null

Write-Step 'Done. Restart the PC: it signs in as the kiosk account and starts the kiosk.'
