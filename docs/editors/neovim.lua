-- Neovim 0.11+ (nvim-lspconfig style: `vim.lsp.config` + `vim.lsp.enable`), e.g. in init.lua.
-- Needs `nomad-exec` on PATH: npm install -g nomad-exec
vim.filetype.add({ pattern = { ['.*%.nomad%.hcl'] = 'nomad', ['.*%.nomad'] = 'nomad' } })
vim.lsp.config('nomad_exec', {
  cmd = { 'nomad-exec', 'lsp', '--stdio' },
  filetypes = { 'nomad' },
  root_markers = { '.git' },
  -- Settings as in VS Code without the `nomadExec.` prefix, answered to workspace/configuration;
  -- here the client agent's exec `allow_caps` (drop it for Nomad's default list).
  settings = { nomadExec = { allowCaps = { 'audit_write', 'chown', 'dac_override', 'fowner', 'fsetid', 'kill', 'mknod', 'net_bind_service', 'net_raw', 'setfcap', 'setgid', 'setpcap', 'setuid', 'sys_chroot' } } },
})
vim.lsp.enable('nomad_exec')
