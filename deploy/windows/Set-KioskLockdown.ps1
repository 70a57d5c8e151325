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
       DisableChangePassword, DisableRegistryTools, DisableCMD (prompt only), NoLogoff, NoClose,
       NoWinKeys (no Windows-key shortcuts), NoControlPanel (no Control Panel or Settings);
       and for the machine: HideFastUserSwitching, AllowEdgeSwipe=0 (touch screens).
    4. The accessibility keyboard shortcuts of the kiosk account, off. Each opens a question
       ("Do you want to turn on Sticky Keys?") with a link into Settings, a known way out of a
       kiosk: Sticky Keys (Shift five times), Filter Keys (right Shift held 8 s), Toggle Keys
       (Num Lock held 5 s), High Contrast (left Alt+left Shift+Print Screen), Mouse Keys (left
       Alt+left Shift+Num Lock) and Narrator (Windows+Ctrl+Enter). -Undo writes Windows' defaults
       back. They take effect when the account next signs in.
       Limits: NoWinKeys turns off the Windows-key shortcuts that explorer.exe handles, Windows+U
       (accessibility settings) among them; under Shell Launcher explorer.exe does not run for the
       kiosk account, so it is a second line. It does not cover Windows+L (DisableLockWorkstation
       does) or Ctrl+Alt+Del. Magnifier (Windows+Plus) has no per-account off switch that we know
       of: -ApplicationAllowList denies Magnify.exe. The accessibility button on the sign-in and
       Ctrl+Alt+Del screens belongs to the machine, not the account, and is not changed. Windows
       Keyboard Filter (Enterprise/IoT) can block key combinations outright.
    5. Automatic sign-in of the kiosk account (Winlogon; the password is stored as the LSA secret
       DefaultPassword like Sysinternals Autologon does, never in the registry in clear text).
       Skip with -SkipAutoLogon if you sign in the account another way.
    6. Only with -ApplicationAllowList: an AppLocker allow-list for programs (.exe), see below.

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

.PARAMETER ApplicationAllowList
    Off unless given. Adds AppLocker rules for programs (.exe) to this PC's local policy, in
    enforcement mode, and sets the Application Identity service (AppIDSvc), which enforces them, to
    start automatically:
      - the kiosk group (-KioskGroup, which the kiosk account is in): the kiosk's own folder (the
        folder of -AppPath); Windows' programs (%WINDIR%) except a list of shells and tools it never
        needs (cmd, PowerShell, Windows Script Host, mshta, regedit, reg, regsvr32, Task Manager,
        Control Panel, mmc, explorer, Settings, Magnifier, Narrator, ...); nothing else from Program
        Files; nothing at all from folders users can write to (Downloads, AppData, USB sticks);
      - everyone else: Windows' programs (except its folders that standard users can write to, such
        as C:\Windows\Temp) and Program Files, as AppLocker's standard rules allow;
      - Administrators: everything.
    Every other AppLocker rule on the PC is kept; -Undo removes exactly these rules. Running the
    script again without the switch leaves an earlier allow-list as it is.
    Limits: AppLocker needs Windows Enterprise or Education (as Shell Launcher does). These are
    path rules for programs only: not DLLs, scripts (their interpreters are denied instead),
    installers (.msi) or packaged Store apps (NoControlPanel keeps Settings closed); and anyone who
    can write into an allowed folder can run what they put there (check an image with Sysinternals
    accesschk). In-app updates cannot run (the updater starts from a user-writable folder): keep
    them off on kiosks and push new versions. Microsoft does not count AppLocker as a security
    boundary; for a managed fleet, App Control for Business (WDAC), deployed with Intune, is the
    stronger alternative. After a restart, check Event Viewer, Applications and Services Logs >
    Microsoft > Windows > AppLocker > EXE and DLL, for programs the kiosk needed and was denied.

.PARAMETER Undo
    Remove the Shell Launcher configuration, the policies (the accessibility shortcuts back to
    Windows' defaults), the automatic sign-in and this script's AppLocker rules.

.PARAMETER RemoveKioskUser
    With -Undo: also delete the kiosk account (its profile folder under C:\Users stays).

.EXAMPLE
    .\Set-KioskLockdown.ps1                  # as SYSTEM; then restart

.EXAMPLE
    .\Set-KioskLockdown.ps1 -ApplicationAllowList   # as SYSTEM, with the AppLocker allow-list; then restart

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

    [switch] $ApplicationAllowList,

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
        NoLogoff       = 1           # Ctrl+Alt+Del: no Sign out
        NoClose        = 1           # no Shut down / Restart in the Windows UI (the power button still works)
        NoWinKeys      = 1           # no Windows-key shortcuts handled by explorer.exe (Windows+U, +E, +R, ...)
        NoControlPanel = 1           # no Control Panel or Settings, where Windows+U and the accessibility questions lead
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

# The accessibility keyboard shortcuts of the kiosk account. Kiosk: the value the kiosk gets, which
# is Windows' default with bit 4 ("hotkey active": SKF_/FKF_/TKF_/HCF_/MKF_HOTKEYACTIVE) cleared;
# Default: Windows 10/11's own value (as Windows writes it for a new account), which -Undo writes
# back. The Flags are text (REG_SZ), as Windows keeps them. Windows reads them at sign-in.
# The Narrator value is the one Settings > Accessibility > Narrator > "Keyboard shortcut for
# Narrator" writes (Windows 10 1809 and later; older builds used Windows+Enter and may ignore it).
$UserAccessibility = @(
    @{ Key = 'Control Panel\Accessibility\StickyKeys'; Name = 'Flags'; Kiosk = '506'; Default = '510' }          # Shift five times
    @{ Key = 'Control Panel\Accessibility\Keyboard Response'; Name = 'Flags'; Kiosk = '122'; Default = '126' }   # Filter Keys: right Shift held 8 s
    @{ Key = 'Control Panel\Accessibility\ToggleKeys'; Name = 'Flags'; Kiosk = '58'; Default = '62' }            # Num Lock held 5 s
    @{ Key = 'Control Panel\Accessibility\HighContrast'; Name = 'Flags'; Kiosk = '122'; Default = '126' }        # left Alt+left Shift+Print Screen
    @{ Key = 'Control Panel\Accessibility\MouseKeys'; Name = 'Flags'; Kiosk = '58'; Default = '62' }             # left Alt+left Shift+Num Lock
    @{ Key = 'Software\Microsoft\Narrator\NoRoam'; Name = 'WinEnterLaunchEnabled'; Kiosk = 0; Default = 1 }      # Windows+Ctrl+Enter
)

# ---- the application allow-list (AppLocker), only with -ApplicationAllowList ----

# The rules this script adds have Ids that start with this, so that a later run and -Undo find
# exactly them and leave every other AppLocker rule on the PC alone.
$AppLockerIdPrefix = 'b4a1c0de-5e7f-4b1a-9c3d-'
$SidEveryoneText = 'S-1-1-0'
$SidAdministratorsText = 'S-1-5-32-544'

# Folders under Windows that standard users can write to (the widely published list for Windows
# 10/11; an image may have more: Sysinternals accesschk -w -s -d Users C:\Windows lists them).
# Programs there are not allowed by the "Windows' programs" rule.
$WindowsWritableFolders = @(
    '%WINDIR%\Tasks\*', '%WINDIR%\Temp\*', '%WINDIR%\tracing\*', '%WINDIR%\Registration\CRMLog\*',
    '%SYSTEM32%\FxsTmp\*', '%SYSTEM32%\com\dmp\*', '%SYSTEM32%\Microsoft\Crypto\RSA\MachineKeys\*',
    '%SYSTEM32%\spool\PRINTERS\*', '%SYSTEM32%\spool\SERVERS\*', '%SYSTEM32%\spool\drivers\color\*',
    '%SYSTEM32%\Tasks\*', '%SYSTEM32%\Tasks_Migrated\*',
    '%WINDIR%\SysWOW64\FxsTmp\*', '%WINDIR%\SysWOW64\com\dmp\*', '%WINDIR%\SysWOW64\Tasks\*'
)

# Windows' own programs the kiosk account never needs and a way out of the kiosk would want. Not
# denied: what Windows itself runs as the account when it signs in (userinit, sihost, ctfmon,
# rundll32, conhost, ...), which a deny would break. 64-bit and 32-bit copies both.
$KioskDeniedPrograms = @(
    '%SYSTEM32%\cmd.exe', '%WINDIR%\SysWOW64\cmd.exe',
    '%SYSTEM32%\WindowsPowerShell\*', '%WINDIR%\SysWOW64\WindowsPowerShell\*',
    '%SYSTEM32%\wscript.exe', '%WINDIR%\SysWOW64\wscript.exe',
    '%SYSTEM32%\cscript.exe', '%WINDIR%\SysWOW64\cscript.exe',
    '%SYSTEM32%\mshta.exe', '%WINDIR%\SysWOW64\mshta.exe',
    '%WINDIR%\regedit.exe', '%SYSTEM32%\reg.exe', '%WINDIR%\SysWOW64\reg.exe',
    '%SYSTEM32%\regsvr32.exe', '%WINDIR%\SysWOW64\regsvr32.exe',
    '%SYSTEM32%\Taskmgr.exe', '%SYSTEM32%\control.exe', '%WINDIR%\SysWOW64\control.exe',
    '%SYSTEM32%\mmc.exe', '%WINDIR%\SysWOW64\mmc.exe',
    '%WINDIR%\explorer.exe', '%WINDIR%\SysWOW64\explorer.exe',   # Shell Launcher runs the kiosk instead
    '%WINDIR%\ImmersiveControlPanel\SystemSettings.exe', '%WINDIR%\hh.exe',
    '%SYSTEM32%\certutil.exe', '%SYSTEM32%\bitsadmin.exe', '%SYSTEM32%\wbem\WMIC.exe',
    '%SYSTEM32%\Magnify.exe', '%SYSTEM32%\Narrator.exe'
)

function Write-Step([string] $Message) { Write-Host "==> $Message" }

# ---- checks ----

function Assert-Prerequisites {
    $edition = (Get-ItemProperty -LiteralPath 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion').EditionID
    if ($edition -notmatch '^(Enterprise|Education|IoTEnterprise)') {
        throw "Shell Launcher needs Windows Enterprise, Education or IoT Enterprise; this is '$edition'. See docs/deployment.md for Windows Pro."
    }
    if ($ApplicationAllowList -and -not (Test-AppLocker)) {
        throw 'AppLocker (Set-AppLockerPolicy) is not available on this PC: -ApplicationAllowList needs Windows Enterprise or Education.'
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

# $Which: 'Kiosk' (the shortcuts off) or 'Default' (Windows' defaults, for -Undo).
function Set-AccessibilityHotkeys([Microsoft.Win32.RegistryKey] $Root, [string] $Which) {
    foreach ($setting in $UserAccessibility) {
        $key = $Root.CreateSubKey($setting.Key)
        try {
            $value = $setting[$Which]
            $kind = if ($value -is [string]) { [Microsoft.Win32.RegistryValueKind]::String } else { [Microsoft.Win32.RegistryValueKind]::DWord }
            $key.SetValue($setting.Name, $value, $kind)
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

# ---- the application allow-list (AppLocker) ----

function Test-AppLocker {
    return $null -ne (Get-Command -Name 'Set-AppLockerPolicy' -ErrorAction SilentlyContinue)
}

# One AppLocker path rule as XML; $Index makes its Id (fixed, so that a run again replaces it).
function New-AppLockerPathRule([int] $Index, [string] $Name, [string] $Sid, [string] $Action, [string] $Path, [string[]] $Exceptions = @()) {
    $id = '{0}{1:x12}' -f $AppLockerIdPrefix, $Index
    $exceptionXml = ''
    if ($Exceptions.Count -gt 0) {
        $conditions = foreach ($exception in $Exceptions) {
            '<FilePathCondition Path="{0}"/>' -f [System.Security.SecurityElement]::Escape($exception)
        }
        $exceptionXml = '<Exceptions>' + ($conditions -join '') + '</Exceptions>'
    }
    $condition = '<Conditions><FilePathCondition Path="{0}"/></Conditions>' -f [System.Security.SecurityElement]::Escape($Path)
    return ('<FilePathRule Id="{0}" Name="{1}" Description="Set-KioskLockdown.ps1 -ApplicationAllowList" UserOrGroupSid="{2}" Action="{3}">{4}{5}</FilePathRule>' -f
        $id, [System.Security.SecurityElement]::Escape($Name), $Sid, $Action, $condition, $exceptionXml)
}

# The Exe rules. AppLocker allows a program only if an Allow rule for one of the user's groups
# matches it and no Deny rule does (a Deny always wins); anything no rule allows is denied.
function Get-KioskAppLockerRules([string] $GroupSid) {
    $folder = Split-Path -Parent $AppPath
    $programFiles = $env:ProgramFiles.TrimEnd('\')
    if ($folder.StartsWith($programFiles + '\', [System.StringComparison]::OrdinalIgnoreCase)) {
        $folder = '%PROGRAMFILES%' + $folder.Substring($programFiles.Length)   # AppLocker's own spelling
    } else {
        Write-Warning "$folder is not under ${programFiles}: make sure only administrators can write to it, or the allow-list lets the kiosk account run whatever is put there."
    }
    $kioskFolder = $folder.TrimEnd('\') + '\*'
    $rules = New-Object 'System.Collections.Generic.List[string]'
    $rules.Add((New-AppLockerPathRule 1 'BankID Kiosk: Windows programs (Everyone; not from folders users can write to)' $SidEveryoneText 'Allow' '%WINDIR%\*' $WindowsWritableFolders))
    # %PROGRAMFILES% is AppLocker's name for both Program Files and Program Files (x86).
    $rules.Add((New-AppLockerPathRule 2 'BankID Kiosk: Program Files (Everyone)' $SidEveryoneText 'Allow' '%PROGRAMFILES%\*'))
    $rules.Add((New-AppLockerPathRule 3 'BankID Kiosk: every program (Administrators)' $SidAdministratorsText 'Allow' '*'))
    $rules.Add((New-AppLockerPathRule 4 'BankID Kiosk: the kiosk (kiosk group)' $GroupSid 'Allow' $kioskFolder))
    # The touch keyboard of Windows 10 (TabTip.exe) lives under Common Files: kept for touch screens.
    $rules.Add((New-AppLockerPathRule 5 'BankID Kiosk: no other program from Program Files (kiosk group)' $GroupSid 'Deny' '%PROGRAMFILES%\*' @($kioskFolder, '%PROGRAMFILES%\Common Files\microsoft shared\ink\*')))
    $index = 100
    foreach ($program in $KioskDeniedPrograms) {
        $index++
        $rules.Add((New-AppLockerPathRule $index "BankID Kiosk: not $program (kiosk group)" $GroupSid 'Deny' $program))
    }
    return $rules
}

# Application Identity (AppIDSvc) enforces AppLocker. services.msc greys its start type out on
# current Windows and Set-Service may be refused; sc.exe, run as SYSTEM as this script is, is the
# way Microsoft's AppLocker documentation sets it.
function Set-AppIdServiceStart([string] $Start) {
    & sc.exe config AppIDSvc start= $Start | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "sc.exe config AppIDSvc start= $Start failed ($LASTEXITCODE)." }
}

# $GroupSid set: put this script's rules into the local AppLocker policy (replacing its earlier ones)
# and enforce the Exe rules. $GroupSid empty: remove them; when no AppLocker rule is left at all,
# the Exe rules go back to "not configured" and AppIDSvc to starting manually, as on a new PC.
# Returns whether it changed anything.
function Set-ApplicationAllowList([string] $GroupSid) {
    $install = -not [string]::IsNullOrEmpty($GroupSid)
    [xml] $policy = Get-AppLockerPolicy -Local -Xml
    $ours = @($policy.SelectNodes("/AppLockerPolicy/RuleCollection/*[starts-with(translate(@Id, 'ABCDEF', 'abcdef'), '$AppLockerIdPrefix')]"))
    if (-not $install -and $ours.Count -eq 0) { return $false }
    foreach ($rule in $ours) { [void] $rule.ParentNode.RemoveChild($rule) }
    $exe = $policy.SelectSingleNode("/AppLockerPolicy/RuleCollection[@Type='Exe']")
    if ($install) {
        if ($null -eq $exe) {
            $exe = $policy.CreateElement('RuleCollection')
            $exe.SetAttribute('Type', 'Exe')
            [void] $policy.DocumentElement.AppendChild($exe)
        }
        $exe.SetAttribute('EnforcementMode', 'Enabled')
        $extensions = $exe.SelectSingleNode('RuleCollectionExtensions')
        foreach ($ruleXml in Get-KioskAppLockerRules $GroupSid) {
            $fragment = $policy.CreateDocumentFragment()
            $fragment.InnerXml = $ruleXml
            if ($null -ne $extensions) { [void] $exe.InsertBefore($fragment, $extensions) } else { [void] $exe.AppendChild($fragment) }
        }
    } elseif ($null -ne $exe -and @($exe.SelectNodes('FilePathRule|FilePublisherRule|FileHashRule')).Count -eq 0) {
        $exe.SetAttribute('EnforcementMode', 'NotConfigured')
    }
    # The whole local policy, edited, replaces the old one (no -Merge: a merge would keep our old rules).
    $file = Join-Path $env:TEMP ('bankid-kiosk-applocker-{0}.xml' -f [guid]::NewGuid())
    try {
        $policy.Save($file)
        Set-AppLockerPolicy -XmlPolicy $file
    } finally {
        Remove-Item -LiteralPath $file -Force -ErrorAction SilentlyContinue
    }
    if ($install) {
        Set-AppIdServiceStart 'auto'
        Start-Service -Name 'AppIDSvc'
    } elseif (@($policy.SelectNodes('/AppLockerPolicy/RuleCollection/*[self::FilePathRule or self::FilePublisherRule or self::FileHashRule]')).Count -eq 0) {
        Set-AppIdServiceStart 'demand'
    }
    return $true
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
    if ((Test-AppLocker) -and $PSCmdlet.ShouldProcess('AppLocker', 'Remove the application allow-list rules of this script')) {
        if (Set-ApplicationAllowList '') { Write-Step 'Removed the application allow-list (AppLocker)' }
    }
    $user = Get-KioskAccount
    if ($null -ne $user -and $null -ne (Get-ProfilePath $user.SID.Value) -and
        $PSCmdlet.ShouldProcess($KioskUser, "Remove the account policies; the accessibility shortcuts back to Windows' defaults")) {
        Invoke-WithUserHive $user {
            param($Root)
            Remove-RegistryValues $Root $UserPolicies
            Set-AccessibilityHotkeys $Root 'Default'
        }
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

if ($null -ne $user -and $PSCmdlet.ShouldProcess($KioskUser, 'Set the account policies (no Task Manager, Lock, Sign out, Change password, Windows-key or accessibility shortcuts)')) {
    Invoke-WithUserHive $user {
        param($Root)
        Set-RegistryValues $Root $UserPolicies
        Set-AccessibilityHotkeys $Root 'Kiosk'
    }
    Write-Step "Set the policies of $KioskUser"
}

if ($PSCmdlet.ShouldProcess('This PC', 'Set HideFastUserSwitching and AllowEdgeSwipe=0')) {
    Set-RegistryValues ([Microsoft.Win32.Registry]::LocalMachine) $MachinePolicies
}

if ($PSCmdlet.ShouldProcess($KioskUser, "Shell Launcher v2: start $AppPath instead of explorer.exe, restart it on exit")) {
    Set-ShellLauncher (Get-ShellLauncherXml)
    Write-Step 'Applied the Shell Launcher configuration'
}

if ($ApplicationAllowList -and $PSCmdlet.ShouldProcess("'$KioskGroup'", 'AppLocker: allow only the kiosk and Windows programs, deny shells and tools; AppIDSvc automatic')) {
    $group = Get-LocalGroup -Name $KioskGroup -ErrorAction SilentlyContinue
    if ($null -eq $group) { throw "The local group '$KioskGroup' does not exist, so the allow-list has no one to apply to." }
    [void] (Set-ApplicationAllowList $group.SID.Value)
    Write-Step "Applied the application allow-list (AppLocker) for '$KioskGroup'"
}

if ($null -ne $password -and $PSCmdlet.ShouldProcess($KioskUser, 'Sign in automatically at start-up')) {
    Set-AutoLogon $password
    Write-Step "The PC signs in as $KioskUser at start-up"
}
$password = $null

Write-Step 'Done. Restart the PC: it signs in as the kiosk account and starts the kiosk.'
