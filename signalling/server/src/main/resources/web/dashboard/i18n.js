// The dashboard's words in Chinese (default) and English. Names from the server (skill groups, service items)
// come in both languages already; only the page's own words are here.
const WORDS = {
  zh: {
    'title': '远程视频受理 · 运营看板',
    'subtitle': '浦东新区家门口服务站网络',
    'signOut': '退出',
    'status.signedOut': '未登录', 'status.connecting': '连接中…', 'status.live': '实时',
    'status.reconnecting': '重新连接中…', 'status.refused': '已拒绝',
    'signin.title': '运营人员登录',
    'signin.hint': '请粘贴运营令牌（由 ./doorstep token --role operator 签发）。',
    'signin.token': '令牌', 'signin.button': '登录',
    'error.operatorsOnly': '此看板仅限运营人员：该令牌不是运营角色。',
    'error.token': '令牌无效或已过期，请重新签发。',
    'error.connect': '无法连接信令服务器。',
    'error.other': '登录被拒绝：',
    'banner.reconnecting': '与服务器的连接中断，正在重新连接…',
    'banner.draining': '服务器正在停机维护：不再接受新的呼叫。',
    'kpi.waiting': '排队中', 'kpi.oldest': '最长等待', 'kpi.serviceLevel': '今日服务水平',
    'kpi.answered': '今日接通', 'kpi.abandoned': '今日放弃', 'kpi.talking': '通话中',
    'kpi.agents': '在线坐席', 'kpi.stations': '在线服务站',
    'kpi.ringing': '振铃 {n}', 'kpi.target': '目标 {s} 秒内接通', 'kpi.requested': '今日呼叫 {n}',
    'kpi.abandonRate': '放弃率 {p}', 'kpi.available': '空闲 {n}', 'kpi.ofTotal': '共 {n} 个',
    'kpi.noCalls': '今日尚无呼叫',
    'queues.title': '各业务组队列', 'queues.group': '业务组', 'queues.waiting': '排队',
    'queues.ringing': '振铃', 'queues.oldest': '最长等待', 'queues.agents': '空闲/在岗',
    'queues.empty': '当前无坐席在岗、无排队。',
    'calls.title': '进行中的通话', 'calls.station': '服务站', 'calls.item': '事项', 'calls.state': '状态',
    'calls.wait': '等待', 'calls.talk': '通话', 'calls.agent': '坐席', 'calls.quality': '质量',
    'calls.empty': '暂无通话。', 'calls.priority': '优先',
    'call.queued': '排队中', 'call.offered': '振铃中', 'call.connected': '通话中',
    'quality.good': '良好', 'quality.fair': '一般', 'quality.poor': '较差', 'quality.none': '—',
    'agents.title': '坐席状态', 'agents.empty': '暂无坐席登录。', 'agents.offline': '断线',
    'agent.available': '空闲', 'agent.offered': '振铃', 'agent.busy': '通话中', 'agent.wrap_up': '话后整理',
    'agent.away': '离开',
    'charts.wait': '等待时间', 'charts.volume': '呼叫量',
    'series.avgWait': '平均等待（秒）', 'series.maxWait': '最长等待（秒）',
    'series.answered': '接通', 'series.abandoned': '放弃', 'series.requested': '呼叫',
    'charts.empty': '该时段暂无数据',
    'fleet.title': '服务站', 'fleet.online': '在线', 'fleet.offline': '离线',
    'fleet.fault': '设备异常', 'fleet.faults': '{n} 站设备异常',
    'relays.title': '媒体中继', 'relays.name': '中继', 'relays.allocations': '分配 / 容量',
    'relays.bitrate': 'Mbit/s ↑/↓', 'relays.empty': '暂无中继上报负载。',
    'device.document-camera': '高拍仪', 'device.idcard-reader': '读卡器', 'device.barcode-scanner': '扫描枪',
    'device.printer': '打印机', 'device.camera': '摄像头',
    'deviceState.not_ready': '未就绪', 'deviceState.out_of_paper': '缺纸', 'deviceState.error': '故障',
    'deviceState.absent': '未连接',
    'foot.live': '数据由信令服务器实时推送', 'foot.updated': '更新于 {t}',
  },
  en: {
    'title': 'Remote video services · Operations',
    'subtitle': 'Pudong doorstep service station network',
    'signOut': 'Sign out',
    'status.signedOut': 'Signed out', 'status.connecting': 'Connecting…', 'status.live': 'Live',
    'status.reconnecting': 'Reconnecting…', 'status.refused': 'Refused',
    'signin.title': 'Operator sign-in',
    'signin.hint': 'Paste an operator token (issued with ./doorstep token --role operator).',
    'signin.token': 'Token', 'signin.button': 'Sign in',
    'error.operatorsOnly': 'This dashboard is for operators only: the token is not an operator\'s.',
    'error.token': 'The token is invalid or has expired: issue a new one.',
    'error.connect': 'Cannot reach the signalling server.',
    'error.other': 'Sign-in refused: ',
    'banner.reconnecting': 'Connection to the server lost, reconnecting…',
    'banner.draining': 'The server is shutting down for maintenance: no new calls are taken.',
    'kpi.waiting': 'Waiting', 'kpi.oldest': 'Oldest wait', 'kpi.serviceLevel': 'Service level today',
    'kpi.answered': 'Answered today', 'kpi.abandoned': 'Abandoned today', 'kpi.talking': 'In conversation',
    'kpi.agents': 'Agents signed in', 'kpi.stations': 'Stations online',
    'kpi.ringing': '{n} ringing', 'kpi.target': 'answered within {s} s', 'kpi.requested': '{n} calls today',
    'kpi.abandonRate': '{p} abandoned', 'kpi.available': '{n} available', 'kpi.ofTotal': 'of {n}',
    'kpi.noCalls': 'no calls yet today',
    'queues.title': 'Queues by skill group', 'queues.group': 'Skill group', 'queues.waiting': 'Waiting',
    'queues.ringing': 'Ringing', 'queues.oldest': 'Oldest', 'queues.agents': 'Free/on',
    'queues.empty': 'No agents on duty and nobody waiting.',
    'calls.title': 'Calls in progress', 'calls.station': 'Station', 'calls.item': 'Service item',
    'calls.state': 'State', 'calls.wait': 'Wait', 'calls.talk': 'Talk', 'calls.agent': 'Agent',
    'calls.quality': 'Quality', 'calls.empty': 'No calls right now.', 'calls.priority': 'Priority',
    'call.queued': 'Queued', 'call.offered': 'Ringing', 'call.connected': 'Connected',
    'quality.good': 'Good', 'quality.fair': 'Fair', 'quality.poor': 'Poor', 'quality.none': '—',
    'agents.title': 'Agents', 'agents.empty': 'No agents signed in.', 'agents.offline': 'offline',
    'agent.available': 'Available', 'agent.offered': 'Ringing', 'agent.busy': 'Busy', 'agent.wrap_up': 'Wrap-up',
    'agent.away': 'Away',
    'charts.wait': 'Wait time', 'charts.volume': 'Call volume',
    'series.avgWait': 'Average wait (s)', 'series.maxWait': 'Longest wait (s)',
    'series.answered': 'Answered', 'series.abandoned': 'Abandoned', 'series.requested': 'Requested',
    'charts.empty': 'No calls in this period',
    'fleet.title': 'Stations', 'fleet.online': 'online', 'fleet.offline': 'offline',
    'fleet.fault': 'kit fault', 'fleet.faults': '{n} with kit faults',
    'relays.title': 'Media relays', 'relays.name': 'Relay', 'relays.allocations': 'allocations',
    'relays.bitrate': 'Mbit/s ↑/↓', 'relays.empty': 'No relay is reporting its load.',
    'device.document-camera': 'document camera', 'device.idcard-reader': 'ID-card reader',
    'device.barcode-scanner': 'barcode scanner', 'device.printer': 'printer', 'device.camera': 'camera',
    'deviceState.not_ready': 'not ready', 'deviceState.out_of_paper': 'out of paper', 'deviceState.error': 'error',
    'deviceState.absent': 'absent',
    'foot.live': 'Pushed live by the signalling server', 'foot.updated': 'updated {t}',
  },
};

let lang = localStorage.getItem('doorstep.lang') === 'en' ? 'en' : 'zh';

export function language() {
  return lang;
}

export function setLanguage(next) {
  lang = next === 'en' ? 'en' : 'zh';
  localStorage.setItem('doorstep.lang', lang);
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.title = t('title');
  document.querySelectorAll('[data-i18n]').forEach(el => { el.textContent = t(el.dataset.i18n); });
}

/** The word for key in the current language, with {name} placeholders filled from vars. */
export function t(key, vars = {}) {
  const text = WORDS[lang][key] ?? WORDS.zh[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ''));
}

/** A name given in both languages, e.g. a skill group's nameZh and nameEn. */
export function named(o) {
  return lang === 'en' ? (o.nameEn || o.nameZh) : (o.nameZh || o.nameEn);
}
