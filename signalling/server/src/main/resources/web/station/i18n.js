// The station page's words in Chinese (default) and English. Service items and skill groups come from the server
// in both languages; only the page's own words are here. The language choice is shared with the other pages.
const WORDS = {
  zh: {
    'title': '家门口服务 · 远程视频办事', 'subtitle': '村居服务站终端', 'signOut': '退出',
    'status.signedOut': '未登录', 'status.connecting': '连接中…', 'status.online': '已连接',
    'status.reconnecting': '重新连接中…', 'status.refused': '已拒绝', 'status.closed': '已断开',
    'signin.title': '服务站登录', 'signin.hint': '请粘贴服务站令牌（由 ./doorstep token --role station 签发）。',
    'signin.token': '令牌', 'signin.button': '登录',
    'error.stationsOnly': '此页面仅供服务站使用：该令牌不是服务站角色。',
    'error.token': '令牌无效或已过期，请重新签发。',
    'error.connect': '无法连接信令服务器，请检查网络。',
    'error.replaced': '本服务站已在其他地方登录，此页面已断开。',
    'error.other': '登录被拒绝：',
    'error.catalogue': '无法读取事项目录：',
    'error.call': '呼叫未能发出：',
    'error.draining': '服务器正在维护，暂不接受新的呼叫，请稍后再试。',
    'error.busy': '本服务站已有一个呼叫在进行中。',
    'banner.reconnecting': '网络中断，正在重新连接…通话不会丢失，请稍候。',
    'banner.peerReconnecting': '坐席的网络中断，正在等待其重新连接…',
    'banner.shutdown': '服务器即将维护，请尽快完成本次办理。',
    'catalogue.title': '请选择要办理的事项',
    'catalogue.search': '搜索事项，例如：医保、公积金、MR-001',
    'catalogue.noMatch': '没有找到符合的事项，请换个词试试。',
    'catalogue.chosen': '已选事项', 'catalogue.none': '尚未选择', 'catalogue.call': '视频呼叫',
    'catalogue.items': '{n} 项',
    'priority.label': '优先办理', 'priority.hint': '老年人、残疾人',
    'wait.queued': '正在排队，请稍候', 'wait.ringing': '坐席正在接听…',
    'wait.position': '排队位置', 'wait.estimate': '预计等待', 'wait.elapsed': '已等待',
    'wait.next': '下一位', 'wait.positionN': '第 {n} 位',
    'wait.unknown': '暂无', 'wait.now': '马上', 'wait.seconds': '约 {n} 秒', 'wait.minutes': '约 {n} 分钟',
    'wait.noAgent': '该业务暂时没有坐席在岗，呼叫会一直排队，直到有坐席接听。',
    'wait.cancel': '取消呼叫',
    'call.connecting': '正在接通视频…', 'call.agent': '受理坐席', 'call.duration': '通话时长',
    'call.mute': '静音', 'call.unmute': '取消静音', 'call.cameraOff': '关闭摄像头', 'call.cameraOn': '打开摄像头',
    'call.hangup': '结束通话', 'call.mediaError': '无法打开摄像头或麦克风：',
    'quality.good': '信号良好', 'quality.fair': '信号一般', 'quality.poor': '信号较差',
    'request.title': '坐席请求',
    'request.document-camera': '请拍摄或选择材料发送给坐席',
    'request.idcard-reader': '坐席请求读取身份证',
    'request.barcode-scanner': '坐席请求扫描条码',
    'request.noReader': '本终端没有身份证读卡器。可请坐席改为拍照，或按证件手工录入：',
    'request.sendCard': '发送给坐席', 'request.barcode': '用扫码枪扫描，或手工输入条码',
    'request.sendCode': '发送条码', 'request.decline': '无法完成',
    'decline.idcard-reader': '此服务站为浏览器终端，没有身份证读卡器',
    'decline.document-camera': '服务站工作人员无法完成拍照',
    'decline.barcode-scanner': '服务站工作人员无法完成扫码',
    'idcard.name': '姓名', 'idcard.number': '身份证号', 'idcard.invalid': '身份证号不正确，请核对（18 位，最后一位可为 X）。',
    'docs.title': '材料', 'docs.photo': '拍照', 'docs.file': '选择文件', 'docs.empty': '还没有材料。',
    'docs.mine': '本站上传', 'docs.agent': '坐席发来', 'docs.uploading': '上传中 {p}',
    'docs.received': '{p}', 'docs.completed': '已送达', 'docs.failed': '失败', 'docs.abandoned': '已中止',
    'docs.photoName': '拍照-{n}.jpg', 'docs.noCamera': '摄像头未打开，无法拍照。',
    'print.title': '待打印', 'print.empty': '坐席发来的表格会显示在这里。',
    'print.copies': '{n} 份', 'print.loading': '正在接收…', 'print.verified': '已校验',
    'print.badHash': '文件校验失败，请勿打印', 'print.open': '打印', 'print.printed': '已打印',
    'print.failed': '打印失败', 'print.done': '已确认打印', 'print.doneFailed': '已报告失败',
    'print.why.out of paper': '缺纸', 'print.why.paper jam': '卡纸', 'print.why.printer fault': '打印机故障',
    'snapshot.title': '拍照预览', 'snapshot.retake': '重拍', 'snapshot.send': '发送给坐席',
    'ended.title': '通话已结束', 'ended.again': '返回首页',
    'ended.completed': '本次办理已结束，谢谢。', 'ended.cancelled': '呼叫已取消。',
    'ended.abandoned': '呼叫已中止。', 'ended.rejected_by_all': '当前坐席都无法受理此事项，请换一个事项或稍后再试。',
    'ended.failed': '通话意外中断，请重新呼叫。',
  },
  en: {
    'title': 'Doorstep services · Video call', 'subtitle': 'Village service station', 'signOut': 'Sign out',
    'status.signedOut': 'Signed out', 'status.connecting': 'Connecting…', 'status.online': 'Online',
    'status.reconnecting': 'Reconnecting…', 'status.refused': 'Refused', 'status.closed': 'Disconnected',
    'signin.title': 'Station sign-in', 'signin.hint': 'Paste a station token (issued with ./doorstep token --role station).',
    'signin.token': 'Token', 'signin.button': 'Sign in',
    'error.stationsOnly': 'This page is for service stations only: the token is not a station\'s.',
    'error.token': 'The token is invalid or has expired: issue a new one.',
    'error.connect': 'Cannot reach the signalling server: check the network.',
    'error.replaced': 'This station signed in somewhere else; this page has been disconnected.',
    'error.other': 'Sign-in refused: ',
    'error.catalogue': 'Cannot load the service catalogue: ',
    'error.call': 'The call could not be placed: ',
    'error.draining': 'The server is under maintenance and takes no new calls: try again shortly.',
    'error.busy': 'This station already has a call in progress.',
    'banner.reconnecting': 'Network lost, reconnecting… the call is kept, please wait.',
    'banner.peerReconnecting': 'The agent\'s network dropped; waiting for them to come back…',
    'banner.shutdown': 'The server is going down for maintenance: please finish this call soon.',
    'catalogue.title': 'Choose the service',
    'catalogue.search': 'Search, e.g. medical insurance, housing fund, MR-001',
    'catalogue.noMatch': 'No service matches: try another word.',
    'catalogue.chosen': 'Chosen', 'catalogue.none': 'nothing yet', 'catalogue.call': 'Video call',
    'catalogue.items': '{n} items',
    'priority.label': 'Priority', 'priority.hint': 'elderly or disabled villager',
    'wait.queued': 'Waiting in the queue', 'wait.ringing': 'An agent is being called…',
    'wait.position': 'Position', 'wait.estimate': 'Estimated wait', 'wait.elapsed': 'Waited',
    'wait.next': 'Next', 'wait.positionN': 'No. {n}',
    'wait.unknown': 'unknown', 'wait.now': 'now', 'wait.seconds': 'about {n} s', 'wait.minutes': 'about {n} min',
    'wait.noAgent': 'No agent for this service is on duty right now; the call stays in the queue until one answers.',
    'wait.cancel': 'Cancel call',
    'call.connecting': 'Connecting video…', 'call.agent': 'Agent', 'call.duration': 'Duration',
    'call.mute': 'Mute', 'call.unmute': 'Unmute', 'call.cameraOff': 'Camera off', 'call.cameraOn': 'Camera on',
    'call.hangup': 'Hang up', 'call.mediaError': 'Cannot open the camera or microphone: ',
    'quality.good': 'Good signal', 'quality.fair': 'Fair signal', 'quality.poor': 'Poor signal',
    'request.title': 'The agent asks',
    'request.document-camera': 'Take a photo of the document, or choose a file, for the agent',
    'request.idcard-reader': 'The agent asks for an ID-card read',
    'request.barcode-scanner': 'The agent asks for a barcode',
    'request.noReader': 'This terminal has no ID-card reader. Ask the agent for a photo instead, or type from the card:',
    'request.sendCard': 'Send to the agent', 'request.barcode': 'Scan with the scanner gun, or type the code',
    'request.sendCode': 'Send the code', 'request.decline': 'Cannot do this',
    'decline.idcard-reader': 'this station is a browser terminal without an ID-card reader',
    'decline.document-camera': 'the station staff could not take the photo',
    'decline.barcode-scanner': 'the station staff could not scan the code',
    'idcard.name': 'Name', 'idcard.number': 'ID number',
    'idcard.invalid': 'This ID number is not valid: check it (18 characters, the last may be X).',
    'docs.title': 'Documents', 'docs.photo': 'Take photo', 'docs.file': 'Choose file', 'docs.empty': 'No documents yet.',
    'docs.mine': 'from this station', 'docs.agent': 'from the agent', 'docs.uploading': 'uploading {p}',
    'docs.received': '{p}', 'docs.completed': 'delivered', 'docs.failed': 'failed', 'docs.abandoned': 'stopped',
    'docs.photoName': 'photo-{n}.jpg', 'docs.noCamera': 'The camera is off: no photo can be taken.',
    'print.title': 'To print', 'print.empty': 'Forms the agent sends appear here.',
    'print.copies': '{n} copies', 'print.loading': 'receiving…', 'print.verified': 'verified',
    'print.badHash': 'the file failed its check: do not print', 'print.open': 'Print', 'print.printed': 'Printed',
    'print.failed': 'Failed', 'print.done': 'confirmed printed', 'print.doneFailed': 'reported failed',
    'print.why.out of paper': 'Out of paper', 'print.why.paper jam': 'Paper jam',
    'print.why.printer fault': 'Printer fault',
    'snapshot.title': 'Photo preview', 'snapshot.retake': 'Retake', 'snapshot.send': 'Send to the agent',
    'ended.title': 'Call ended', 'ended.again': 'Back to start',
    'ended.completed': 'The service call is over. Thank you.', 'ended.cancelled': 'The call was cancelled.',
    'ended.abandoned': 'The call was abandoned.',
    'ended.rejected_by_all': 'No agent on duty can handle this service: choose another or try again later.',
    'ended.failed': 'The call broke off: please call again.',
  },
};

let lang = localStorage.getItem('doorstep.lang') === 'en' ? 'en' : 'zh';

export const language = () => lang;

/** Switches the page to {@code next} and rewrites every element marked with data-i18n (text) or -placeholder. */
export function setLanguage(next) {
  lang = next === 'en' ? 'en' : 'zh';
  localStorage.setItem('doorstep.lang', lang);
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.title = t('title');
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
}

/** The word for key in the current language, with {name} placeholders filled from vars. */
export function t(key, vars = {}) {
  const text = WORDS[lang][key] ?? WORDS.zh[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ''));
}

/** The name of a skill group or service item in the current language, and in the other one (for a second line). */
export function names(o) {
  return lang === 'en' ? [o.nameEn || o.nameZh, o.nameZh] : [o.nameZh || o.nameEn, o.nameEn];
}
